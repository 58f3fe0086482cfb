//! The edit history: every change of the workspace goes through [`LpkpiApp::edit`] (validated
//! by the core, its inverse kept for undo); undo and redo replay the inverses; the figures of a
//! new revision are derived on a worker thread, one revision at a time.

use super::app::LpkpiApp;
use super::state::Derived;
use super::state::drop_elsewhere;
use crate::workspace::Edit;

/// Undo steps kept.
const UNDO_STEPS: usize = 100;

impl LpkpiApp {
    /// Apply an edit through the core (validated with the loader's limits) and keep its
    /// inverse for undo.
    pub(super) fn edit(&mut self, edit: Edit) {
        let what = edit.describe();
        match self.state.workspace.apply(edit) {
            Ok(Some(inverse)) => self.changed(inverse, what),
            Ok(None) => {}
            Err(e) => self.error(format!("Not changed ({what}): {e}")),
        }
    }

    /// Record a change (its inverse, for undo), and recompute.
    fn changed(&mut self, inverse: Edit, what: String) {
        self.state.undo.push_back((inverse, what));
        if self.state.undo.len() > UNDO_STEPS {
            self.state.undo.pop_front();
        }
        self.state.redo.clear();
        self.state.revision += 1;
    }

    /// Undo the last edit, or (`redo`) redo the last undo.
    pub(super) fn undo(&mut self, redo: bool) {
        let from = if redo {
            &mut self.state.redo
        } else {
            &mut self.state.undo
        };
        let Some((edit, what)) = from.pop_back() else {
            return;
        };
        match self.state.workspace.apply(edit) {
            Ok(inverse) => {
                if let Some(inverse) = inverse {
                    let to = if redo {
                        &mut self.state.undo
                    } else {
                        &mut self.state.redo
                    };
                    to.push_back((inverse, what.clone()));
                }
                self.state.revision += 1;
                self.info(format!("{} {what}", if redo { "Redid" } else { "Undid" }));
            }
            Err(e) => self.error(format!("Cannot undo {what}: {e}")),
        }
    }

    /// Start deriving the figures of the current revision on a worker thread, unless that is
    /// done or under way (one at a time: a result for an older revision starts the next).
    pub(super) fn schedule_recompute(&mut self) {
        if self.state.settled() || self.deriving.is_some() {
            return;
        }
        self.deriving = Some(self.state.revision);
        self.jobs.derive(
            self.state.workspace.clone(),
            self.state.as_of_date(),
            self.state.derived.as_ref().ok().cloned(),
            // shared, not taken: should these figures be dropped (an edit while they are
            // worked out), the next ones may still take the import's rows
            self.state.imported_set.clone(),
            self.state.revision,
        );
    }

    /// The figures of `revision` arrived (dropped when the workspace changed since).
    pub(super) fn derived(&mut self, revision: u64, derived: Result<Derived, String>) {
        self.deriving = None;
        if let Some(e) = self.state.take_derived(revision, derived) {
            self.error(e);
        }
        if self.state.derived_revision == revision {
            // figures were taken (with the import's rows, or after the rows changed again):
            // the import's rows are theirs or of no more use
            drop_elsewhere(self.state.imported_set.take());
        }
        self.output_when_settled();
    }
}
