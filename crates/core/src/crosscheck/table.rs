//! Reading another department's spreadsheet as rows of text: xlsx and xls through
//! `calamine`, CSV in UTF-8, UTF-16 or GBK/GB18030 (what Excel in China writes).

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader};
use csv::StringRecord;

/// A sheet read as text: every row of cells from the first row on.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    /// What the file was read as, for the user ("xlsx", "CSV（GB18030/GBK）", …).
    pub format: String,
    /// The sheet read, for workbooks.
    pub sheet: Option<String>,
    /// 1-based spreadsheet row number of `rows[0]`.
    pub first_line: usize,
    pub rows: Vec<StringRecord>,
}

/// The first rows of a table and how many it has: enough to choose its columns while the
/// whole table stays with whoever read it (the page's worker).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableHead {
    pub format: String,
    pub sheet: Option<String>,
    pub first_line: usize,
    pub rows: Vec<Vec<String>>,
    pub total_rows: usize,
}

/// Rows a head keeps: the header is looked for in the first 20, samples come after it.
pub const HEAD_ROWS: usize = 40;

impl RawTable {
    pub fn head(&self) -> TableHead {
        TableHead {
            format: self.format.clone(),
            sheet: self.sheet.clone(),
            first_line: self.first_line,
            rows: self
                .rows
                .iter()
                .take(HEAD_ROWS)
                .map(|r| r.iter().map(str::to_string).collect())
                .collect(),
            total_rows: self.rows.len(),
        }
    }
}

impl TableHead {
    /// The head as a table of its rows, for choosing columns.
    pub fn to_table(&self) -> RawTable {
        RawTable {
            format: self.format.clone(),
            sheet: self.sheet.clone(),
            first_line: self.first_line,
            rows: self
                .rows
                .iter()
                .map(|r| StringRecord::from(r.clone()))
                .collect(),
        }
    }
}

/// Why a file cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("文件是空的")]
    Empty,
    #[error("Excel文件无法读取（文件可能已损坏、被截断或加了密码）：{0}")]
    Workbook(String),
    #[error("Excel文件中没有含数据的工作表")]
    NoSheet,
    #[error("CSV文件第{line}行无法读取：{message}")]
    Csv { line: u64, message: String },
    #[error("文件不是表格（支持 xlsx、xls 和 CSV）")]
    NotATable,
}

impl crate::model::Localized for TableError {
    fn en(&self) -> String {
        match self {
            TableError::Empty => "The file is empty".into(),
            TableError::Workbook(e) => format!(
                "The Excel file cannot be read (it may be damaged, cut off or password-protected): {e}"
            ),
            TableError::NoSheet => "The Excel file has no sheet with data".into(),
            TableError::Csv { line, message } => {
                format!("Line {line} of the CSV file cannot be read: {message}")
            }
            TableError::NotATable => "The file is not a table (xlsx, xls and CSV are read)".into(),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An Excel file, by its magic bytes: reading one takes seconds at county scale (its XML is
/// parsed cell by cell), reading text far less.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

/// What a table is, given before its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableStart {
    pub format: String,
    pub sheet: Option<String>,
    /// 1-based spreadsheet row number of the first row given.
    pub first_line: usize,
}

/// What [`stream_table`] gives, in order: the table's start, then its rows from the first.
/// A second start voids the rows given before it: a sheet found written out of order is
/// read again, whole.
#[derive(Debug)]
pub enum TableEvent<'r> {
    Start(TableStart),
    /// A row, and about how much of the table is read with it (0 to 1).
    Row(&'r StringRecord, f64),
}

/// Records in a compact form, to hand from one thread to another (the page's worker): the
/// text of each record with where its fields end.
pub fn records_to_bytes(records: &[StringRecord]) -> Vec<u8> {
    let mut packed = PackedRecords::default();
    for r in records {
        packed.text.push_str(r.as_slice());
        packed.fields.push(r.len() as u32);
        packed.ends.extend(
            (0..r.len())
                .filter_map(|i| r.range(i))
                .map(|x| x.end as u32),
        );
    }
    postcard::to_allocvec(&packed).unwrap_or_default()
}

pub fn records_from_bytes(bytes: &[u8]) -> Result<Vec<StringRecord>, String> {
    let bad = || "记录无法读取".to_string();
    let packed: PackedRecords =
        postcard::from_bytes(bytes).map_err(|e| format!("{}：{e}", bad()))?;
    let mut out = Vec::with_capacity(packed.fields.len());
    let (mut at, mut end) = (0usize, 0usize);
    for n in packed.fields {
        let ends = packed.ends.get(end..end + n as usize).ok_or_else(bad)?;
        end += n as usize;
        let mut record =
            StringRecord::with_capacity(ends.last().copied().unwrap_or(0) as usize, ends.len());
        let mut from = 0;
        for e in ends {
            let e = *e as usize;
            let field = packed.text.get(at + from..at + e).ok_or_else(bad)?;
            record.push_field(field);
            from = e;
        }
        at += from;
        out.push(record);
    }
    Ok(out)
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct PackedRecords {
    text: String,
    /// Fields of each record.
    fields: Vec<u32>,
    /// Where each field ends in its record's text.
    ends: Vec<u32>,
}

/// Reads a file by its content, not its name: Excel files are recognised by their magic
/// bytes, anything else is read as delimited text.
pub fn read_table(bytes: &[u8]) -> Result<RawTable, TableError> {
    let mut table = RawTable::default();
    stream_table(bytes, &mut |event| match event {
        TableEvent::Start(start) => {
            table = RawTable {
                format: start.format,
                sheet: start.sheet,
                first_line: start.first_line,
                rows: Vec::new(),
            }
        }
        TableEvent::Row(record, _) => table.rows.push(record.clone()),
    })?;
    let width = table.rows.iter().map(StringRecord::len).max().unwrap_or(0);
    for r in &mut table.rows {
        for _ in r.len()..width {
            r.push_field("");
        }
    }
    Ok(table)
}

/// [`read_table`] a row at a time, for a reader that hands rows on while it reads the rest:
/// no whole table is held. Fails as `read_table` does, also after some rows were given.
pub fn stream_table(bytes: &[u8], sink: &mut dyn FnMut(TableEvent<'_>)) -> Result<(), TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        stream_xlsx(bytes, sink)
    } else if bytes.starts_with(OLE_MAGIC) {
        let book = calamine::Xls::new(Cursor::new(bytes))
            .map_err(|e| TableError::Workbook(e.to_string()))?;
        let table = read_workbook(book, "xls")?;
        give_table(&table, sink);
        Ok(())
    } else {
        stream_delimited(bytes, sink)
    }
}

fn give_table(table: &RawTable, sink: &mut dyn FnMut(TableEvent<'_>)) {
    sink(TableEvent::Start(TableStart {
        format: table.format.clone(),
        sheet: table.sheet.clone(),
        first_line: table.first_line,
    }));
    let total = table.rows.len().max(1) as f64;
    for (i, r) in table.rows.iter().enumerate() {
        sink(TableEvent::Row(r, (i + 1) as f64 / total));
    }
}

/// The xlsx sheet with the most rows, each read cell by cell straight into text: building
/// calamine's whole range first costs a copy of every cell (seconds at 200,000 rows).
fn stream_xlsx(bytes: &[u8], sink: &mut dyn FnMut(TableEvent<'_>)) -> Result<(), TableError> {
    let workbook = |e: calamine::XlsxError| TableError::Workbook(e.to_string());
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(workbook)?;
    let Some((name, height)) = largest_sheet(&mut book).map_err(workbook)? else {
        return Err(TableError::NoSheet);
    };
    let mut long = LongNumbers::new(bytes, &name);
    let mut given = 0usize;
    let mut on = |e: SheetEvent<'_>| match e {
        SheetEvent::Start(start) => {
            given = 0;
            sink(TableEvent::Start(start))
        }
        SheetEvent::Row(row, record, read) => {
            long.restore(row, record);
            given += 1;
            sink(TableEvent::Row(record, read))
        }
    };
    let in_order = stream_sheet(&mut book, &name, height, &mut on).map_err(workbook)?;
    if !in_order {
        // Rows written out of order: the whole range sorts them.
        let range = book.worksheet_range(&name).map_err(workbook)?;
        let mut table = range_table(range, name, "xlsx");
        let first = table.first_line;
        let total = table.rows.len().max(1) as f64;
        on(SheetEvent::Start(TableStart {
            format: table.format.clone(),
            sheet: table.sheet.clone(),
            first_line: first,
        }));
        for (i, r) in table.rows.iter_mut().enumerate() {
            on(SheetEvent::Row(first - 1 + i, r, (i + 1) as f64 / total));
        }
    }
    if given > 0 {
        Ok(())
    } else {
        Err(TableError::NoSheet)
    }
}

/// The worksheet with the most rows, as the sheets declare their size, and its height;
/// sheets that declare none (or one row, as an empty sheet does) are counted.
fn largest_sheet(
    book: &mut calamine::Xlsx<Cursor<&[u8]>>,
) -> Result<Option<(String, usize)>, calamine::XlsxError> {
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        match book.worksheet_cells_reader(&name) {
            Ok(reader) => {
                let d = reader.dimensions();
                let height = (d.end.0 as usize + 1).saturating_sub(d.start.0 as usize);
                sheets.push((name, height));
            }
            Err(calamine::XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(e),
        }
    }
    if sheets.len() > 1 {
        for (name, height) in &mut sheets {
            if *height <= 1 {
                let mut rows = 0;
                stream_sheet(book, name, 0, &mut |e| {
                    if let SheetEvent::Row(..) = e {
                        rows += 1
                    }
                })?;
                *height = rows;
            }
        }
    }
    // The first of the largest, as a person would look at them.
    Ok(sheets
        .into_iter()
        .rev()
        .max_by_key(|(_, h)| *h)
        .filter(|(_, h)| *h > 0))
}

enum SheetEvent<'r> {
    Start(TableStart),
    /// A row by its 0-based row in the sheet.
    Row(usize, &'r mut StringRecord, f64),
}

/// One sheet's rows from its first non-empty row, rows with no cell given as empty; false
/// when the sheet's cells turn out not to be in row order (the rows given are then void).
fn stream_sheet(
    book: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    height: usize,
    sink: &mut dyn FnMut(SheetEvent<'_>),
) -> Result<bool, calamine::XlsxError> {
    let mut cells = match book.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(true),
        Err(e) => return Err(e),
    };
    let mut record = StringRecord::new();
    let mut empty = StringRecord::new();
    let (mut first, mut current): (Option<u32>, Option<u32>) = (None, None);
    let total = height.max(1) as f64;
    let read = |row: u32, first: u32| ((row - first + 1) as f64 / total).min(1.0);
    while let Some(cell) = cells.next_cell()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        match (current, first) {
            (Some(r), _) if row < r || (row == r && (col as usize) < record.len()) => {
                return Ok(false)
            }
            (Some(r), _) if row == r => {}
            (Some(r), Some(f)) => {
                sink(SheetEvent::Row(r as usize, &mut record, read(r, f)));
                record.clear();
                // Rows with no cell between two that have some.
                for between in r + 1..row {
                    sink(SheetEvent::Row(
                        between as usize,
                        &mut empty,
                        read(between, f),
                    ));
                    empty.clear();
                }
            }
            _ => {
                first = Some(row);
                sink(SheetEvent::Start(TableStart {
                    format: "xlsx".to_string(),
                    sheet: Some(name.to_string()),
                    first_line: row as usize + 1,
                }));
            }
        }
        current = Some(row);
        for _ in record.len()..col as usize {
            record.push_field("");
        }
        push_cell(&mut record, cell.get_value());
    }
    if let Some(r) = current {
        sink(SheetEvent::Row(r as usize, &mut record, 1.0));
    }
    Ok(true)
}

/// The sheet with the most rows: rosters often come with an empty "Sheet2" or a notes sheet.
fn read_workbook<R, RS>(mut book: R, format: &str) -> Result<RawTable, TableError>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
    R::Error: std::fmt::Display,
{
    let mut best: Option<(String, calamine::Range<Data>)> = None;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| TableError::Workbook(e.to_string()))?;
        if best
            .as_ref()
            .is_none_or(|(_, b)| range.height() > b.height())
        {
            best = Some((name, range));
        }
    }
    let Some((sheet, range)) = best.filter(|(_, r)| !r.is_empty()) else {
        return Err(TableError::NoSheet);
    };
    Ok(range_table(range, sheet, format))
}

/// A whole range as text rows, columns true to the sheet's letters.
fn range_table(range: calamine::Range<Data>, sheet: String, format: &str) -> RawTable {
    let first_line = range.start().map(|(row, _)| row as usize + 1).unwrap_or(1);
    let lead = range.start().map(|(_, col)| col as usize).unwrap_or(0);
    let mut rows = Vec::with_capacity(range.height());
    let mut record = StringRecord::new();
    for row in range.rows() {
        record.clear();
        // Keep column letters true to the sheet when the data does not start in column A.
        for _ in 0..lead {
            record.push_field("");
        }
        for cell in row {
            push_cell(&mut record, &as_ref(cell));
        }
        rows.push(record.clone());
    }
    RawTable {
        format: format.to_string(),
        sheet: Some(sheet),
        first_line,
        rows,
    }
}

/// A cell of a whole range as the cell reader gives it, borrowing its text.
fn as_ref(cell: &Data) -> DataRef<'_> {
    match cell {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// Puts back the digits of long numbers: calamine reads a number cell as f64, which keeps
/// 15–16 digits, but a program that wrote an 18-digit ID number into a number cell left all
/// its digits in the file (Excel itself keeps only 15, and those stay reported as lost).
/// The sheet's XML is read for them once, at the first row that needs it.
struct LongNumbers<'b> {
    bytes: &'b [u8],
    sheet: String,
    found: Option<HashMap<(usize, usize), String>>,
}

impl<'b> LongNumbers<'b> {
    fn new(bytes: &'b [u8], sheet: &str) -> Self {
        LongNumbers {
            bytes,
            sheet: sheet.to_string(),
            found: None,
        }
    }

    /// Row `row` (0-based in the sheet) with its long numbers' digits.
    fn restore(&mut self, row: usize, record: &mut StringRecord) {
        let scientific = |c: &str| {
            c.contains('E')
                && c.bytes()
                    .all(|b| b.is_ascii_digit() || b"E.+-".contains(&b))
        };
        if !record.iter().any(scientific) {
            return;
        }
        let (bytes, sheet) = (self.bytes, &self.sheet);
        let found = self.found.get_or_insert_with(|| {
            long_numbers(bytes, sheet)
                .map(|v| v.into_iter().collect())
                .unwrap_or_default()
        });
        let cells: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(col, c)| match found.get(&(row, col)) {
                Some(digits) if scientific(c) => digits.clone(),
                _ => c.to_string(),
            })
            .collect();
        *record = StringRecord::from(cells);
    }
}

/// Number cells of 16 digits or more in one sheet of an xlsx file, by 0-based (row, column),
/// as their text in the sheet's XML.
fn long_numbers(bytes: &[u8], sheet: &str) -> Option<Vec<((usize, usize), String)>> {
    use quick_xml::events::Event;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut text = |name: &str| -> Option<String> {
        let mut s = String::new();
        zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let attr = |e: &quick_xml::events::BytesStart, key: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| {
                let k: &str = a.key.as_ref();
                k == key
            })
            .map(|a| a.value.into_owned())
    };
    fn local(e: &quick_xml::events::BytesStart) -> String {
        AsRef::<str>::as_ref(&e.local_name()).to_string()
    }
    // The sheet's file: workbook.xml names its relationship, the relationships its target.
    let mut rid = None;
    let workbook = text("xl/workbook.xml")?;
    let mut r = quick_xml::Reader::from_str(&workbook);
    loop {
        match r.read_event().ok()? {
            Event::Empty(e) | Event::Start(e)
                if local(&e) == "sheet" && attr(&e, "name").as_deref() == Some(sheet) =>
            {
                rid = attr(&e, "r:id").or_else(|| attr(&e, "id"));
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let rid = rid?;
    let rels = text("xl/_rels/workbook.xml.rels")?;
    let mut r = quick_xml::Reader::from_str(&rels);
    let mut target = None;
    loop {
        match r.read_event().ok()? {
            Event::Empty(e) | Event::Start(e)
                if local(&e) == "Relationship"
                    && attr(&e, "Id").as_deref() == Some(rid.as_str()) =>
            {
                target = attr(&e, "Target");
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let target = target?;
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let xml = text(&path)?;
    let mut r = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let (mut cell, mut numeric, mut in_v) = (None, false, false);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if local(&e) == "c" => {
                cell = attr(&e, "r").and_then(|r| cell_position(&r));
                numeric = matches!(attr(&e, "t").as_deref(), None | Some("n"));
            }
            Event::Start(e) if local(&e) == "v" => in_v = true,
            Event::End(e) if AsRef::<str>::as_ref(&e.local_name()) == "v" => in_v = false,
            Event::Text(t) if in_v && numeric => {
                let v = AsRef::<str>::as_ref(&t).trim().to_string();
                if v.len() >= 16 && v.bytes().all(|b| b.is_ascii_digit()) {
                    if let Some(at) = cell {
                        out.push((at, v));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(out)
}

/// "F3" as 0-based (row, column): (2, 5).
fn cell_position(r: &str) -> Option<(usize, usize)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let col = letters.bytes().try_fold(0usize, |n, b| {
        b.is_ascii_uppercase()
            .then(|| n * 26 + usize::from(b - b'A') + 1)
    })?;
    let row: usize = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn push_cell(record: &mut StringRecord, cell: &DataRef) {
    use std::fmt::Write;
    let mut text = String::new();
    match cell {
        DataRef::Empty => {}
        DataRef::SharedString(s) => return record.push_field(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            return record.push_field(s)
        }
        // A number of more than 15 digits has lost its last digits (an ID number typed into
        // a general-format column): shown as Excel shows it, so the check can say so.
        DataRef::Float(f) if f.abs() >= 1e15 => {
            let _ = write!(text, "{f:E}");
        }
        // Whole numbers without ".0".
        DataRef::Float(f) if f.fract() == 0.0 => {
            let _ = write!(text, "{f:.0}");
        }
        DataRef::Float(f) => {
            let _ = write!(text, "{f}");
        }
        DataRef::Int(i) => {
            let _ = write!(text, "{i}");
        }
        DataRef::Bool(b) => text.push_str(if *b { "是" } else { "否" }),
        // Days since 1899-12-30, Excel's day zero (its 1900 leap-year bug included).
        DataRef::DateTime(d) => {
            let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|zero| {
                zero.checked_add_days(chrono::Days::new(d.as_f64().max(0.0) as u64))
            });
            match day {
                Some(day) => {
                    let _ = write!(text, "{day}");
                }
                None => {
                    let _ = write!(text, "{}", d.as_f64());
                }
            }
        }
        DataRef::Error(e) => {
            let _ = write!(text, "#{e:?}");
        }
    }
    record.push_field(&text);
}

/// Text as Excel and WPS write it: UTF-8 with or without BOM, UTF-16 with BOM ("Unicode
/// text", tab-separated), otherwise GB18030 (a superset of GBK and GB2312).
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let name = if encoding == encoding_rs::UTF_8 {
            "UTF-8"
        } else {
            "UTF-16"
        };
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030/GBK")
        }
    }
}

fn stream_delimited(bytes: &[u8], sink: &mut dyn FnMut(TableEvent<'_>)) -> Result<(), TableError> {
    let (text, encoding) = decode_text(bytes);
    if text.contains('\0') {
        return Err(TableError::NotATable);
    }
    let delimiter = guess_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let kind = match delimiter {
        b'\t' => "制表符分隔",
        b';' => "分号分隔",
        _ => "CSV",
    };
    let total = text.len().max(1) as f64;
    let mut record = StringRecord::new();
    let mut given = false;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                if !given {
                    given = true;
                    sink(TableEvent::Start(TableStart {
                        format: format!("{kind}（{encoding}）"),
                        sheet: None,
                        first_line: 1,
                    }));
                }
                let read = reader.position().byte() as f64 / total;
                sink(TableEvent::Row(&record, read));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(TableError::Csv {
                    line,
                    message: e.to_string(),
                });
            }
        }
    }
    if given {
        Ok(())
    } else {
        Err(TableError::Empty)
    }
}

/// The separator used most on the first lines.
fn guess_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(5).collect();
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| head.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// A totals line under the data (合计, 总计, 小计, "共123人"): no person, not a problem.
pub fn is_total_row(record: &StringRecord) -> bool {
    let mut cells = record.iter().map(str::trim).filter(|c| !c.is_empty());
    let Some(first) = cells.next() else {
        return false;
    };
    let first: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    let total = ["合计", "总计", "小计", "共计", "总人数"]
        .iter()
        .any(|t| first.starts_with(t))
        || (first.starts_with('共') && first.ends_with('人'));
    // A totals line holds a label and a few counts, never an ID number or a name column.
    total && cells.all(|c| c.len() < 15)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell-by-cell reader gives what the whole range gives, on a sheet with a merged
    /// title, blank rows, gaps, a lead column, every kind of value, and a bigger second sheet.
    #[test]
    fn records_packed_for_the_page_come_back_as_they_were() {
        let records = vec![
            StringRecord::from(vec!["姓名", "", "=1+1", "a,b\n\"c\""]),
            StringRecord::new(),
            StringRecord::from(vec!["", ""]),
            StringRecord::from(vec!["王小明"]),
        ];
        let back = records_from_bytes(&records_to_bytes(&records)).unwrap();
        assert_eq!(back, records);
        assert_eq!(back[2].len(), 2);
        assert!(records_from_bytes(b"\x05garbage").is_err());
    }

    #[test]
    fn an_xlsx_read_cell_by_cell_equals_its_whole_range() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let notes = book.add_worksheet().set_name("说明").unwrap();
        notes.write_string(0, 0, "填表说明").unwrap();
        let sheet = book.add_worksheet().set_name("学生").unwrap();
        let plain = rust_xlsxwriter::Format::new();
        sheet
            .merge_range(1, 1, 1, 4, "某某县学生名册", &plain)
            .unwrap();
        for (c, h) in ["姓名", "身份证件号", "年级", "是否孤儿"]
            .iter()
            .enumerate()
        {
            sheet.write_string(2, c as u16 + 1, *h).unwrap();
        }
        sheet.write_string(3, 1, "=王小明").unwrap();
        sheet.write_number(3, 2, 4.30122201503081e17).unwrap();
        sheet.write_number(3, 3, 3.0).unwrap();
        sheet.write_boolean(3, 4, false).unwrap();
        // Row 5 blank; row 6 with a gap in the middle and a date.
        sheet.write_string(5, 1, "李小红").unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2015, 3, 8).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_datetime_with_format(5, 4, &day, &format)
            .unwrap();
        sheet.write_number(6, 3, 2.5).unwrap();
        let bytes = book.save_to_buffer().unwrap();

        let streamed = read_table(&bytes).unwrap();
        let mut whole = read_workbook(
            calamine::Xlsx::new(Cursor::new(&bytes[..])).unwrap(),
            "xlsx",
        )
        .unwrap();
        assert_eq!(streamed.sheet.as_deref(), Some("学生"));
        assert_eq!(streamed.first_line, whole.first_line);
        assert_eq!(streamed.first_line, 2);
        // The long number's digits as the file has them, where the range has a float.
        assert_eq!(&whole.rows[2][2], "4.30122201503081E17");
        assert_eq!(&streamed.rows[2][2], "430122201503081000");
        let mut cells: Vec<String> = whole.rows[2].iter().map(str::to_string).collect();
        cells[2] = "430122201503081000".into();
        whole.rows[2] = StringRecord::from(cells);
        assert_eq!(streamed.rows, whole.rows);
        assert_eq!(streamed.rows.len(), 6);
        assert_eq!(&streamed.rows[2][1], "=王小明");
        assert_eq!(&streamed.rows[2][4], "否");
        assert!(streamed.rows[3].iter().all(str::is_empty));
        assert_eq!(&streamed.rows[4][4], "2015-03-08");
        assert_eq!(&streamed.rows[5][3], "2.5");
    }
}
