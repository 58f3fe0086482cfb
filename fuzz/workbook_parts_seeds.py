#!/usr/bin/env python3
"""Write seeds for the `workbook_parts` fuzz target into corpus/workbook_parts (run from fuzz/).

Each seed is one byte (even: XLSX, odd: ODS) then the workbook's XML parts joined by NUL:
XLSX's workbook, its relationships, styles (number formats shown in a currency), shared
strings and sheet; ODS's content (cells of value-type currency).
"""
import os

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK = f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Orders &amp; more" sheetId="1" r:id="rId1"/></sheets></workbook>'
RELS = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
FORMATS = [
    '#,##0.00 [$€-407]',
    '#,##0.00 &quot;€&quot;',
    '&quot;¥&quot;#,##0',
    '[$$-409]#,##0.00',
    '#,##0.00\\ &quot;kr&quot;',
    '&quot;EUR netto&quot; 0.00',
]


def styles(fmt):
    return (f'<?xml version="1.0"?><styleSheet xmlns="{NS}"><numFmts count="1">'
            f'<numFmt numFmtId="164" formatCode="{fmt}"/></numFmts>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')


SHARED = (f'<?xml version="1.0"?><sst xmlns="{NS}" count="5" uniqueCount="5"><si><t>Date</t></si>'
          '<si><t>Product</t></si><si><t>Qty</t></si><si><t>Amount</t></si>'
          '<si><t>Microsoft Official Course AZ-104</t></si></sst>')


def sheet(rows):
    head = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>')
    body = ''.join(
        f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>2026-0{1 + i % 9}-15</t></is></c>'
        f'<c r="B{i + 2}" t="s"><v>4</v></c><c r="C{i + 2}"><v>{1 + i}</v></c>'
        f'<c r="D{i + 2}" s="{style}"><v>{1234.5 * (i + 1)}</v></c></row>'
        for i, style in enumerate(rows))
    return f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{head}{body}</sheetData></worksheet>'


def ods(cells):
    rows = ''.join(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>2026-03-15</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Microsoft Official Course AZ-104</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="2"/>'
        f'{cell}</table:table-row>' for cell in cells)
    head = ('<table:table-row>' + ''.join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in ['Date', 'Product', 'Qty', 'Amount']) + '</table:table-row>')
    return ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            f'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{head}{rows}'
            '</table:table></office:spreadsheet></office:body></office:document-content>')


def main():
    out = 'corpus/workbook_parts'
    os.makedirs(out, exist_ok=True)
    seeds = []
    for fmt in FORMATS:
        parts = [WORKBOOK, RELS, styles(fmt), SHARED, sheet([1, 1, 0, 1])]
        seeds.append(b'\x00' + b'\x00'.join(p.encode() for p in parts))
    for cells in (
        ['<table:table-cell office:value-type="currency" office:currency="EUR" office:value="1234.5"/>'] * 3,
        ['<table:table-cell office:value-type="currency" office:currency="EUR" office:value="10" table:number-columns-repeated="3"/>',
         '<table:table-cell office:value-type="float" office:value="99"/>'],
    ):
        seeds.append(b'\x01' + ods(cells).encode())
    for i, seed in enumerate(seeds):
        with open(os.path.join(out, f'seed-{i}'), 'wb') as f:
            f.write(seed)
    print(f'{len(seeds)} seeds in {out}')


if __name__ == '__main__':
    main()
