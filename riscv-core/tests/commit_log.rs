//! Golden test of the Spike `--log-commits` format.

mod common;

use common::*;
use riscv_core::commit_log::CommitLog;
use riscv_core::encode::reg::*;
use riscv_core::platform::RAM_BASE;

#[test]
fn commit_log_matches_spike_format() {
    let mut log = CommitLog::new(Vec::new());
    let (_, stop) = run_asm_with(1, &mut log, |a| {
        a.auipc(T0, 0); // x5 = pc
        a.c_li(A0, 5); // compressed: 4 hex digits
        a.li(T1, (RAM_BASE + 0x1000) as i64);
        a.sd(A0, T1, 8); // store: mem addr data
        a.ld(A1, T1, 8); // load: x11 value, mem addr
        a.csrw(0x340, A0); // csr write: c832_mscratch
        a.addi(ZERO, ZERO, 0); // no register write
        exit(a, 0);
    });
    assert_eq!(stop, sim_core::StopReason::Exited(0));
    let text = String::from_utf8(log.finish().unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // the boot ROM runs first (5 instructions at 0x1000)
    assert!(
        lines[0].starts_with("core   0: 3 0x0000000000001000 (0x"),
        "{}",
        lines[0]
    );
    let body: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.starts_with("core   0: 3 0x0000000080000000 "))
        .collect();
    assert_eq!(
        body[0],
        "core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000"
    );
    assert_eq!(
        body[1],
        "core   0: 3 0x0000000080000004 (0x4515) x10 0x0000000000000005"
    );
    let store = body
        .iter()
        .find(|l| l.contains("mem 0x0000000080001008 0x"))
        .unwrap();
    assert!(
        store.ends_with(" mem 0x0000000080001008 0x0000000000000005"),
        "{store}"
    );
    let load = body.iter().find(|l| l.contains(" x11 ")).unwrap();
    assert!(
        load.ends_with("x11 0x0000000000000005 mem 0x0000000080001008"),
        "{load}"
    );
    let csr = body.iter().find(|l| l.contains("c832_mscratch")).unwrap();
    assert!(csr.ends_with(" c832_mscratch 0x0000000000000005"), "{csr}");
    let nop = body.iter().find(|l| l.contains("(0x00000013)")).unwrap();
    assert!(nop.ends_with("(0x00000013)"), "{nop}");
}
