//! Ledgers as spreadsheets: CSV (UTF-8 with BOM, for Excel and WPS) and xlsx. Every text is
//! written as text: a cell that begins with =, +, - or @ is never run as a formula.

mod tables;

pub use tables::{
    cases_table, children_table, crosscheck_table, monthly_report_table, rollup_table,
    roster_problems_table, schools_table, suspects_table,
};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        s.to_string().into()
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Self {
        o.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// A ledger ready to export: a title, Chinese column headers with widths, and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet and file title, e.g. "泸溪县适龄儿童台账".
    pub title: String,
    pub columns: Vec<(&'static str, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("生成Excel文件失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Would a spreadsheet read this text as a formula (or a DDE command)?
/// Spreadsheets skip leading blanks (also full-width and zero-width ones) before looking,
/// and some read the full-width signs as the ASCII ones.
pub fn looks_like_formula(s: &str) -> bool {
    if matches!(s.chars().next(), Some('\t' | '\r' | '\n')) {
        return true;
    }
    let rest = s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00A0}' | '\0')
    });
    matches!(
        rest.chars().next(),
        Some('=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
    )
}

/// CSV as Excel and WPS open it correctly: UTF-8 with a BOM, CRLF, quoted as needed. Text
/// that would run as a formula gets a leading apostrophe; long digit strings (ID numbers,
/// phones) a leading tab, so Excel keeps every digit.
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let line = |cells: Vec<String>| {
        cells
            .into_iter()
            .map(|c| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(
        table.columns.iter().map(|c| c.0.to_string()).collect(),
    ));
    out.push_str("\r\n");
    for row in &table.rows {
        let cells = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) if looks_like_formula(s) => format!("'{s}"),
                Cell::Text(s)
                    if s.len() >= 11 && s.bytes().all(|b| b.is_ascii_digit() || b == b'X') =>
                {
                    format!("\t{s}")
                }
                Cell::Text(s) => s.clone(),
                Cell::Date(d) => d.to_string(),
                Cell::Number(n) => n.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&line(cells));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// An xlsx workbook: a title row, bold headers, frozen panes, column widths, dates as dates,
/// and every text as text (formula-like text with Excel's quote prefix).
pub fn to_xlsx(
    table: &Table,
    subtitle: &str,
    created: NaiveDateTime,
) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::parse_from_str(&created.format("%Y-%m-%dT%H:%M:%S").to_string())?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&table.title)
            .set_creation_datetime(&created),
    );
    let sheet = wb.add_worksheet();
    let name: String = table
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(if name.is_empty() { "台账" } else { &name })?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#EEF1F4")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin);
    let quoted = Format::new()
        .set_border(FormatBorder::Thin)
        .set_quote_prefix();
    sheet.write_string_with_format(0, 0, &table.title, &title)?;
    sheet.write_string(1, 0, subtitle)?;
    for (c, (name, width)) in table.columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(2, c, *name, &head)?;
        sheet.set_column_width(c, *width)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if looks_like_formula(s) => {
                    sheet.write_string_with_format(r, c, s, &quoted)?
                }
                Cell::Text(s) => sheet.write_string_with_format(r, c, s, &text)?,
                Cell::Date(d) => {
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(r, c, &dt, &date)?
                }
                Cell::Number(n) => sheet.write_number_with_format(r, c, *n, &text)?,
                Cell::Empty => sheet.write_blank(r, c, &text)?,
            };
        }
    }
    sheet.set_freeze_panes(3, 1)?;
    if !table.rows.is_empty() {
        sheet.autofilter(
            2,
            0,
            table.rows.len() as u32 + 2,
            table.columns.len().saturating_sub(1) as u16,
        )?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests;
