use super::*;
use crate::import::RowError;

#[cfg(unix)]
fn status(raw: i32) -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    ExitStatus::from_raw(raw)
}

fn reply(r: &Result<Parsed, ImportError>) -> Vec<u8> {
    let mut out = Vec::new();
    assert_eq!(frames::respond(r.clone(), &mut out), 0);
    out
}

/// What the parent reads from these bytes of the child's stdout.
fn decoded(bytes: &[u8]) -> Option<Result<Parsed, ImportError>> {
    frames::decode(&mut &bytes[..])
}

#[test]
fn a_clean_exit_with_an_answer_is_the_answer() {
    let parsed = Parsed { rejected: 2, ..Parsed::default() };
    let got = answer(Some(Ok(status(0))), decoded(&reply(&Ok(parsed)))).expect("parsed");
    assert_eq!(got.rejected, 2);
    let refused = Err(ImportError::TooLarge { sheet: "表".into(), row: 9, col: 9 });
    assert_eq!(answer(Some(Ok(status(0))), decoded(&reply(&refused))).map(|_| ()), refused.map(|_: Parsed| ()));
}

#[test]
fn a_child_that_dies_is_a_clear_refusal() {
    let crashed = Err(hostile(CRASHED));
    // SIGABRT (an allocation beyond RLIMIT_AS), SIGSEGV, a non-zero exit, half an answer.
    for (raw, out) in [
        (6, None),
        (11, Some(b"{\"Ok\"".to_vec())),
        (1 << 8, Some(reply(&Ok(Parsed::default())))),
        (0, Some(b"{".to_vec())),
    ] {
        let out = out.and_then(|bytes| decoded(&bytes));
        assert_eq!(answer(Some(Ok(status(raw))), out).map(|_| ()), crashed, "{raw}");
    }
}

#[test]
fn a_child_out_of_time_is_a_timeout() {
    let timed_out = Err(hostile(TIMED_OUT));
    assert_eq!(answer::<Parsed>(None, None).map(|_| ()), timed_out);
    assert_eq!(answer::<Parsed>(Some(Ok(status(24))), None).map(|_| ()), timed_out);
    assert_eq!(answer::<Parsed>(Some(Ok(status(9))), None).map(|_| ()), timed_out);
}

#[test]
fn the_request_is_a_line_of_options_then_the_file() {
    let mut input: &[u8] = b"{\"require_union_member\":true}\nPK\x03\x04\n\xff";
    let (options, bytes) = request(&mut input).expect("request");
    assert!(matches!(options, Request::Workbook(Options { require_union_member: true, window: None })));
    assert_eq!(bytes, b"PK\x03\x04\n\xff");
    let mut statements: &[u8] = b"{\"statements\":1}\nPK";
    assert!(matches!(request(&mut statements), Ok((Request::Statements { .. }, _))));
    let mut garbage: &[u8] = b"not json\n";
    assert!(matches!(request(&mut garbage), Err(ImportError::Worker(_))));
}

#[test]
fn the_child_runs_the_guard_before_the_parser() {
    assert_eq!(parse(Vec::new(), Options::default()).map(|_| ()), Err(ImportError::Empty));
    assert_eq!(parse(b"%PDF-1.4\n\0".to_vec(), Options::default()).map(|_| ()), Err(ImportError::UnknownFormat));
}

#[test]
fn every_column_key_survives_the_trip_through_the_wire() {
    for column in crate::import::columns::COLUMNS {
        let error = RowError::sheet("表", 3, column.header, "x", "错".to_string()).with_key(column.key);
        let parsed = Parsed { errors: vec![error.clone()], ..Parsed::default() };
        let back = decoded(&reply(&Ok(parsed))).expect("one answer").expect("parsed");
        assert_eq!(back.errors, vec![error]);
    }
}

#[test]
fn an_answer_of_another_version_or_with_trailing_bytes_is_no_answer() {
    let mut good = reply(&Ok(Parsed { rejected: 1, ..Parsed::default() }));
    assert!(decoded(&good).is_some());
    assert!(decoded(&good[frames::VERSION.len()..]).is_none());
    assert!(decoded(&good[..good.len() - 1]).is_none());
    good.push(0);
    assert!(decoded(&good).is_none());
}

#[test]
fn every_column_key_survives_the_trip_through_json() {
    for column in crate::import::columns::COLUMNS {
        let error = RowError::sheet("表", 3, column.header, "x", "错".to_string()).with_key(column.key);
        let back: RowError = serde_json::from_str(&serde_json::to_string(&error).expect("json")).expect("back");
        assert_eq!(back, error);
    }
    let unknown: RowError =
        serde_json::from_str(r#"{"sheet":"","row":0,"column":"","key":"nope","value":"","message":""}"#).expect("back");
    assert_eq!(unknown.key, None);
}

#[test]
fn a_parsed_workbook_survives_the_trip_through_the_wire() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.xlsx");
    crate::sample::workbook(60, 2024, &path).expect("written");
    let parsed = guard::workbook(&std::fs::read(&path).expect("read"), &Options::default()).expect("parsed");
    assert!(parsed.projects.iter().flat_map(|p| &p.loans).any(|l| !l.events.is_empty()));
    let back = decoded(&reply(&Ok(parsed.clone()))).expect("one answer").expect("parsed");
    assert_eq!(back.projects, parsed.projects);
    assert_eq!(back.errors, parsed.errors);
    assert_eq!((back.sheet, back.title, back.payees), (parsed.sheet, parsed.title, parsed.payees));
}

#[test]
fn many_projects_come_in_frames_and_in_order() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.xlsx");
    crate::sample::workbook(60, 2024, &path).expect("written");
    let one = guard::workbook(&std::fs::read(&path).expect("read"), &Options::default()).expect("parsed");
    // 2,500 projects: two whole frames and part of a third.
    let projects: Vec<_> = one
        .projects
        .iter()
        .cycle()
        .take(2_500)
        .cloned()
        .enumerate()
        .map(|(at, mut p)| {
            p.key = format!("P{at}");
            p
        })
        .collect();
    let parsed = Parsed { projects, rejected: 3, ..Parsed::default() };
    let bytes = reply(&Ok(parsed.clone()));
    let back = decoded(&bytes).expect("one answer").expect("parsed");
    assert_eq!(back.projects, parsed.projects);
    assert_eq!(back.rejected, 3);
    // A count that does not match the frames, or a frame cut short, is no answer.
    let mut wrong_count = bytes.clone();
    wrong_count[frames::VERSION.len()] ^= 1;
    assert!(decoded(&wrong_count).is_none());
    let mut fewer = bytes.clone();
    let at = frames::VERSION.len();
    fewer[at..at + 8].copy_from_slice(&1_000u64.to_le_bytes());
    assert!(decoded(&fewer).is_none());
    assert!(decoded(&bytes[..bytes.len() / 2]).is_none());
}

#[test]
fn a_statement_answer_is_one_value_as_before() {
    let parsed = Parsed { rejected: 4, ..Parsed::default() };
    let mut out = Vec::new();
    assert_eq!(respond(&Ok::<_, ImportError>(parsed), &mut out), 0);
    let back: Result<Parsed, ImportError> = decode(&mut &out[..]).expect("one answer");
    assert_eq!(back.map(|p| p.rejected), Ok(4));
    assert!(decode::<Parsed>(&mut &out[..out.len() - 1]).is_none());
}
