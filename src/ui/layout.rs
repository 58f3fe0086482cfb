//! Where each part of the window goes: the menu bar and panel tabs on top, the status bar at the
//! bottom, the panel shown in the middle, and over them the import preview, the modals, the
//! toasts and the drop overlay. Everything drawn pushes commands; nothing here changes state.

use eframe::egui::{self, RichText, Ui};

use super::app::LpkpiApp;
use super::capability::capability_ui;
use super::charts::charts_ui;
use super::command::Command;
use super::dashboard::dashboard_ui;
use super::dialogs::modals;
use super::import::{hover_overlay, preview_ui};
use super::log::{log_ui, toasts};
use super::menu::{menu_bar, tab_bar};
use super::purchases::purchases_ui;
use super::settings::settings_ui;
use super::state::Panel;
use super::status_bar::status_bar;

impl LpkpiApp {
    /// Draw the window, collecting what it asks for in `cmds`.
    pub(super) fn draw(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        let ctx = ui.ctx().clone();
        egui::Panel::top("menu").show(ui, |ui| {
            menu_bar(ui, &self.state, cmds);
            tab_bar(ui, &self.state, cmds);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar(
                ui,
                &self.state,
                self.jobs.progress(),
                self.dialog_open,
                cmds,
            );
        });
        egui::CentralPanel::default().show(ui, |ui| self.panel(ui, cmds));
        preview_ui(&ctx, &self.state, &mut self.views.import, cmds);
        modals(&ctx, &mut self.state, cmds);
        if self.options.screenshot.is_none() {
            toasts(&ctx, &self.state, cmds);
        }
        hover_overlay(&ctx, &self.state);
    }

    /// The panel shown (or why there are no figures, or that the workspace asked for at start
    /// is opening).
    fn panel(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        if let Err(e) = &self.state.derived {
            ui.label(RichText::new(format!("The program profile cannot be used: {e}")).strong());
            return;
        }
        if let Some(path) = &self.opening {
            ui.centered_and_justified(|ui| {
                ui.horizontal(|ui| {
                    super::widgets::spinner(ui);
                    ui.label(RichText::new(format!("Opening {}", path.display())).heading());
                });
            });
            return;
        }
        let views = &mut self.views;
        match self.state.panel {
            Panel::Dashboard => {
                // each panel scrolls on its own
                egui::ScrollArea::vertical()
                    .id_salt("dashboard")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        dashboard_ui(ui, &self.state, &mut views.dashboard, cmds)
                    });
            }
            Panel::Charts => charts_ui(ui, &self.state, &mut views.charts, cmds),
            Panel::Purchases => purchases_ui(ui, &self.state, &mut views.purchases, cmds),
            Panel::Capability => capability_ui(ui, &self.state, &mut views.capability, cmds),
            Panel::Settings => settings_ui(ui, &self.state, &mut views.settings, cmds),
            Panel::Reconciliation => {
                super::reconcile::reconcile_ui(ui, &self.state, &mut views.reconcile, cmds)
            }
            Panel::Log => log_ui(ui, &self.state),
        }
    }
}
