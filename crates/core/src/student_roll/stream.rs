//! One 学籍 file read as a stream, for the page's worker: its head and the columns found
//! in it come first, so a person can look at them while the rest is read; then the rows in
//! batches, which the page compares with the ledger as they come ([`super::Planning`]).
//! Read whole, the stream gives what [`read_table`](crate::crosscheck::read_table) and
//! [`read_roll`](super::read_roll) give.

use csv::StringRecord;

use super::read::{RollFile, RollReading, RollRow};
use super::RollField;
use crate::crosscheck::mapping::{ColumnMapping, RememberedMapping};
use crate::crosscheck::table::{stream_table, RawTable, TableError, TableEvent, HEAD_ROWS};
use crate::crosscheck::TableHead;

/// The columns to read a file with.
#[derive(Debug, Clone, Copy)]
pub enum RollColumns<'m> {
    /// Found from the file's headers, with the choices remembered from earlier files.
    Found(&'m RememberedMapping<RollField>),
    /// Chosen by a person for this file.
    Chosen(&'m ColumnMapping<RollField>),
}

/// What reading a file's table gives, in order: its head and the columns found in it, the
/// records after the head in batches, and the count of its rows. A `Restart` voids the
/// records given before it (a sheet read again, whole): the records after it start from the
/// table's first row.
#[derive(Debug, Clone, PartialEq)]
pub enum TableNews {
    Head {
        head: TableHead,
        mapping: ColumnMapping<RollField>,
    },
    /// Records, and about how much of the file is read with them (0 to 1).
    Records {
        records: Vec<StringRecord>,
        read: f64,
    },
    Restart,
    Done {
        table_rows: usize,
    },
}

/// Reads `bytes` as a table, giving its records `batch` at a time: what a worker does while
/// the page makes them into pupils ([`RollFromRecords`]) and compares those.
pub fn stream_records(
    bytes: &[u8],
    columns: RollColumns<'_>,
    batch: usize,
    emit: &mut dyn FnMut(TableNews),
) -> Result<(), TableError> {
    let mut head = RawTable::default();
    let mut headed = false;
    let mut started = false;
    let mut table_rows = 0;
    let mut records: Vec<StringRecord> = Vec::new();
    let give_head = |head: &RawTable, emit: &mut dyn FnMut(TableNews)| {
        let head = head_of(head);
        let mapping = match columns {
            RollColumns::Found(remembered) => ColumnMapping::detect(&head.to_table(), remembered),
            RollColumns::Chosen(m) => m.clone(),
        };
        emit(TableNews::Head { head, mapping });
    };
    stream_table(bytes, &mut |event| match event {
        TableEvent::Start(start) => {
            if started {
                records.clear();
                emit(TableNews::Restart);
            }
            started = true;
            table_rows = 0;
            if !headed {
                head = RawTable {
                    format: start.format,
                    sheet: start.sheet,
                    first_line: start.first_line,
                    rows: Vec::new(),
                };
            }
        }
        TableEvent::Row(record, read) => {
            table_rows += 1;
            if headed {
                records.push(record.clone());
                if records.len() >= batch {
                    emit(TableNews::Records {
                        records: std::mem::take(&mut records),
                        read,
                    });
                }
            } else {
                head.rows.push(record.clone());
                if head.rows.len() == HEAD_ROWS {
                    headed = true;
                    give_head(&head, emit);
                }
            }
        }
    })?;
    if !headed {
        give_head(&head, emit);
    }
    if !records.is_empty() {
        emit(TableNews::Records { records, read: 1.0 });
    }
    emit(TableNews::Done { table_rows });
    Ok(())
}

/// A file's pupils made from the news of its records, batch by batch.
pub struct RollFromRecords {
    name: String,
    head: RawTable,
    mapping: ColumnMapping<RollField>,
    school_year: i32,
    reading: RollReading,
}

impl RollFromRecords {
    /// From the file's head, whose rows are read at once.
    pub fn start(
        name: &str,
        head: &TableHead,
        mapping: &ColumnMapping<RollField>,
        school_year: i32,
    ) -> Self {
        let head = head.to_table();
        let mut reading = RollReading::new(name, &head, mapping, school_year);
        for record in &head.rows {
            reading.push(record);
        }
        RollFromRecords {
            name: name.to_string(),
            head,
            mapping: mapping.clone(),
            school_year,
            reading,
        }
    }

    /// Pupils read so far and not taken, the head's first.
    pub fn take(&mut self) -> Vec<RollRow> {
        self.reading.take_rows()
    }

    /// The next records: their pupils are taken with [`RollFromRecords::take`].
    pub fn records(&mut self, records: &[StringRecord]) {
        for record in records {
            self.reading.push(record);
        }
    }

    /// The table is read again from its first row.
    pub fn restart(&mut self) {
        self.reading = RollReading::new(&self.name, &self.head, &self.mapping, self.school_year);
    }

    /// The file's problems and skipped lines, and the pupils not taken.
    pub fn finish(self) -> RollFile {
        self.reading.finish()
    }
}

/// What reading a file gives, in order: its head, rows in batches, and at the end the file's
/// problems. A `Restart` voids the rows given before it (a sheet read again, whole).
#[derive(Debug, Clone, PartialEq)]
pub enum RollEvent {
    Head {
        head: TableHead,
        mapping: ColumnMapping<RollField>,
    },
    /// Rows read, and about how much of the file is read with them (0 to 1).
    Rows {
        rows: Vec<RollRow>,
        read: f64,
    },
    Restart,
    /// The file's problems and skipped lines (its rows were given before), and the rows of
    /// its table.
    Done {
        file: RollFile,
        table_rows: usize,
    },
}

/// Reads `bytes` as the 学籍 file `name`, giving its rows about `batch` at a time: the
/// records of [`stream_records`] made into pupils by [`RollFromRecords`], in one place.
pub fn stream_roll(
    name: &str,
    bytes: &[u8],
    columns: RollColumns<'_>,
    school_year: i32,
    batch: usize,
    emit: &mut dyn FnMut(RollEvent),
) -> Result<(), TableError> {
    let mut pupils: Option<RollFromRecords> = None;
    stream_records(bytes, columns, batch, &mut |news| match news {
        TableNews::Head { head, mapping } => {
            pupils = Some(RollFromRecords::start(name, &head, &mapping, school_year));
            emit(RollEvent::Head { head, mapping });
        }
        TableNews::Records { records, read } => {
            if let Some(p) = &mut pupils {
                p.records(&records);
                emit(RollEvent::Rows {
                    rows: p.take(),
                    read,
                });
            }
        }
        TableNews::Restart => {
            if let Some(p) = &mut pupils {
                p.restart();
            }
            emit(RollEvent::Restart);
        }
        TableNews::Done { table_rows } => {
            if let Some(mut p) = pupils.take() {
                let rows = p.take();
                if !rows.is_empty() {
                    emit(RollEvent::Rows { rows, read: 1.0 });
                }
                emit(RollEvent::Done {
                    file: p.finish(),
                    table_rows,
                });
            }
        }
    })
}

/// A head of rows all as wide as the widest, as a whole table's head would be; its
/// `total_rows` are the rows read so far.
fn head_of(table: &RawTable) -> TableHead {
    let width = table.rows.iter().map(StringRecord::len).max().unwrap_or(0);
    TableHead {
        format: table.format.clone(),
        sheet: table.sheet.clone(),
        first_line: table.first_line,
        rows: table
            .rows
            .iter()
            .map(|r| {
                let mut cells: Vec<String> = r.iter().map(str::to_string).collect();
                cells.resize(width, String::new());
                cells
            })
            .collect(),
        total_rows: table.rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosscheck::read_table;
    use crate::student_roll::read_roll;
    use chrono::NaiveDate;
    use std::io::{Read, Write};

    /// A county's export of a few hundred pupils, with a title row above the header and a
    /// few rows that cannot be imported below it.
    fn export() -> crate::demo::rolls::RollExport {
        use crate::demo::{generate, DemoParams};
        use crate::divisions::DivisionTable;
        let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut p = DemoParams::new(today);
        p.county_code = "445224".into();
        p.children = 400;
        let county = generate(&p, &table).unwrap();
        let ids: Vec<_> = county.schools.iter().map(|s| s.id).collect();
        let mut e = crate::demo::rolls::export(
            &county.installation,
            &county.schools,
            &county.children,
            &ids,
            2026,
        );
        let width = e.rows[0].len();
        let mut bad = e.rows[3].clone();
        bad[0] = String::new();
        e.rows.push(bad);
        e.rows.push(vec![String::new(); width]);
        let mut total = vec![String::new(); width];
        total[0] = "合计".into();
        e.rows.push(total);
        e
    }

    /// What reading the file whole gives: the head, the rows, and the file.
    fn whole(name: &str, bytes: &[u8]) -> (TableHead, ColumnMapping<RollField>, RollFile, usize) {
        let table = read_table(bytes).unwrap();
        let mapping = ColumnMapping::detect(&table, &RememberedMapping::new());
        let file = read_roll(name, &table, &mapping, 2026);
        (table.head(), mapping, file, table.rows.len())
    }

    fn streamed(name: &str, bytes: &[u8], columns: RollColumns, batch: usize) -> Vec<RollEvent> {
        let mut events = Vec::new();
        stream_roll(name, bytes, columns, 2026, batch, &mut |e| events.push(e)).unwrap();
        events
    }

    /// The rows after the last restart, and the file they end with.
    fn gathered(events: &[RollEvent]) -> (Vec<RollRow>, RollFile, usize) {
        let mut rows = Vec::new();
        let mut done = None;
        for e in events {
            match e {
                RollEvent::Rows { rows: r, read } => {
                    assert!((0.0..=1.0).contains(read), "{read}");
                    rows.extend(r.iter().cloned());
                }
                RollEvent::Restart => rows.clear(),
                RollEvent::Done { file, table_rows } => done = Some((file.clone(), *table_rows)),
                RollEvent::Head { .. } => {}
            }
        }
        let (mut file, n) = done.unwrap();
        assert!(file.rows.is_empty(), "every row was given in a batch");
        file.rows = rows.clone();
        (rows, file, n)
    }

    #[test]
    fn a_file_read_as_a_stream_gives_what_reading_it_whole_gives() {
        let e = export();
        for (name, bytes) in [
            ("学籍.xlsx", e.to_xlsx().unwrap()),
            ("学籍.csv", e.to_gb18030_csv()),
        ] {
            let (head, mapping, file, table_rows) = whole(name, &bytes);
            assert!(file.rows.len() > 300 && !file.problems.is_empty(), "{name}");
            assert_eq!(file.skipped_lines, 2, "{name}: the blank and 合计 lines");
            let events = streamed(
                name,
                &bytes,
                RollColumns::Found(&RememberedMapping::new()),
                64,
            );
            // The head first, as a whole table's head, then batches of 64 rows.
            let RollEvent::Head {
                head: h,
                mapping: m,
            } = &events[0]
            else {
                panic!("{name}: {:?}", events[0]);
            };
            assert_eq!(h.rows, head.rows, "{name}");
            assert_eq!(
                (&h.format, &h.sheet, h.first_line),
                (&head.format, &head.sheet, head.first_line)
            );
            assert_eq!(m, &mapping, "{name}");
            assert_eq!(h.total_rows, HEAD_ROWS);
            let batches: Vec<usize> = events
                .iter()
                .filter_map(|e| match e {
                    RollEvent::Rows { rows, .. } => Some(rows.len()),
                    _ => None,
                })
                .collect();
            // The head's pupils come with the first batch.
            assert!(
                batches.len() >= 5 && batches.iter().all(|n| *n <= 64 + HEAD_ROWS),
                "{name}: {batches:?}"
            );
            assert!(!events.contains(&RollEvent::Restart));
            let (_, got, n) = gathered(&events);
            assert_eq!(got, file, "{name}");
            assert_eq!(n, table_rows, "{name}");
        }
    }

    #[test]
    fn a_short_file_and_chosen_columns() {
        let born = NaiveDate::from_ymd_opt(2017, 3, 8).unwrap();
        let id = crate::rules::id_number::IdNumber::compose("445224", born, 1).unwrap();
        let csv = format!("姓名,身份证件号,年级,学校名称\n王小明,{id},三年级,惠城镇第一小学\n");
        let (_, mapping, file, _) = whole("短.csv", csv.as_bytes());
        let events = streamed(
            "短.csv",
            csv.as_bytes(),
            RollColumns::Found(&RememberedMapping::new()),
            1000,
        );
        assert!(matches!(&events[0], RollEvent::Head { head, .. } if head.rows.len() == 2));
        assert_eq!(gathered(&events).1, file);
        assert_eq!(file.rows.len(), 1);
        // Columns a person chose are the ones read: without the name, the row is a problem.
        let mut chosen = mapping.clone();
        chosen.set(0, None);
        let events = streamed("短.csv", csv.as_bytes(), RollColumns::Chosen(&chosen), 1000);
        let (rows, file, _) = gathered(&events);
        assert!(rows.is_empty());
        assert_eq!(file.problems.len(), 1);
        // A file that is not a table fails as reading it whole fails.
        let err = stream_roll(
            "空.csv",
            b"",
            RollColumns::Chosen(&chosen),
            2026,
            10,
            &mut |_| {},
        );
        assert_eq!(err, Err(TableError::Empty));
    }

    /// An xlsx whose rows are written out of order is read again whole, and says so.
    #[test]
    fn a_sheet_written_out_of_order_restarts_and_ends_as_read_whole() {
        let e = export();
        let bytes = e.to_xlsx().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            if name.starts_with("xl/worksheets/") {
                // Row 200 written before row 199.
                let xml = String::from_utf8(data).unwrap();
                let at = |n: usize| xml.find(&format!("<row r=\"{n}\"")).unwrap();
                let (a, b, c) = (at(199), at(200), at(201));
                data =
                    format!("{}{}{}{}", &xml[..a], &xml[b..c], &xml[a..b], &xml[c..]).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&data).unwrap();
        }
        let shuffled = out.finish().unwrap().into_inner();
        let (_, _, file, _) = whole("乱序.xlsx", &shuffled);
        let (_, ordered, _) = gathered(&streamed(
            "乱序.xlsx",
            &bytes,
            RollColumns::Found(&RememberedMapping::new()),
            50,
        ));
        assert_eq!(file, ordered, "read whole, the order is the sheet's rows'");
        let events = streamed(
            "乱序.xlsx",
            &shuffled,
            RollColumns::Found(&RememberedMapping::new()),
            50,
        );
        assert_eq!(
            events.iter().filter(|e| **e == RollEvent::Restart).count(),
            1
        );
        assert_eq!(gathered(&events).1, file);
    }
}
