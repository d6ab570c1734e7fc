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

/// Reads `bytes` as the 学籍 file `name`, giving its rows `batch` at a time.
pub fn stream_roll(
    name: &str,
    bytes: &[u8],
    columns: RollColumns<'_>,
    school_year: i32,
    batch: usize,
    emit: &mut dyn FnMut(RollEvent),
) -> Result<(), TableError> {
    let mut head = RawTable::default();
    let mut reading: Option<(RollReading, ColumnMapping<RollField>)> = None;
    let mut table_rows = 0;
    let mut started = false;
    // The head is complete at its last row, or at the end of a shorter table.
    let give_head = |head: &RawTable, emit: &mut dyn FnMut(RollEvent)| {
        let head = head_of(head);
        let table = head.to_table();
        let mapping = match columns {
            RollColumns::Found(remembered) => ColumnMapping::detect(&table, remembered),
            RollColumns::Chosen(m) => m.clone(),
        };
        let mut r = RollReading::new(name, &table, &mapping, school_year);
        for record in &table.rows {
            r.push(record);
        }
        emit(RollEvent::Head {
            head,
            mapping: mapping.clone(),
        });
        (r, mapping)
    };
    stream_table(bytes, &mut |event| match event {
        TableEvent::Start(start) => {
            if started {
                emit(RollEvent::Restart);
            }
            started = true;
            table_rows = 0;
            head = RawTable {
                format: start.format,
                sheet: start.sheet,
                first_line: start.first_line,
                rows: Vec::new(),
            };
            // Read again with the columns already given.
            if let Some((_, mapping)) = reading.take() {
                reading = Some((
                    RollReading::new(name, &head, &mapping, school_year),
                    mapping,
                ));
            }
        }
        TableEvent::Row(record, read) => {
            table_rows += 1;
            match &mut reading {
                Some((r, _)) => {
                    r.push(record);
                    if r.pending() >= batch {
                        emit(RollEvent::Rows {
                            rows: r.take_rows(),
                            read,
                        });
                    }
                }
                None => {
                    head.rows.push(record.clone());
                    if head.rows.len() == HEAD_ROWS {
                        reading = Some(give_head(&head, emit));
                    }
                }
            }
        }
    })?;
    let (mut r, _) = match reading {
        Some(r) => r,
        None => give_head(&head, emit),
    };
    let rows = r.take_rows();
    if !rows.is_empty() {
        emit(RollEvent::Rows { rows, read: 1.0 });
    }
    emit(RollEvent::Done {
        file: r.finish(),
        table_rows,
    });
    Ok(())
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
            assert!(
                batches.len() >= 5 && batches[..batches.len() - 1].iter().all(|n| *n == 64),
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
