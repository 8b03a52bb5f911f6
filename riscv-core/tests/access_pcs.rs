//! Every data access a timing sink is told of names the pc of the
//! instruction that made it (an in-order model charges that instruction's
//! fetch before its data): loads and stores of every width, compressed
//! ones, AMOs, LR/SC, FP loads and stores, and a UIPI's sender-table read,
//! which is reported as a table read (physical, untranslated).

mod common;

use common::uintr::*;
use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::platform::RAM_BASE;
use sim_core::{AccessKind, MemAccess, Retired, StopReason, TimingSink};

#[derive(Debug, PartialEq)]
enum Event {
    Access { kind: AccessKind, pc: u64 },
    Retire { pc: u64 },
}

#[derive(Default)]
struct Recorder(Vec<Event>);

impl TimingSink for Recorder {
    sim_core::same_sink_for_every_hart!();

    fn retire(&mut self, _hart: usize, inst: &Retired) {
        self.0.push(Event::Retire { pc: inst.pc });
    }
    fn mem_access(&mut self, _hart: usize, access: &MemAccess) {
        self.0.push(Event::Access {
            kind: access.kind,
            pc: access.pc,
        });
    }
}

/// Each access's pc against the instruction retired next; returns the
/// accesses of each kind that were checked.
fn check_pcs(events: &[Event]) -> Vec<AccessKind> {
    let mut kinds = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let Event::Access { kind, pc } = *e else {
            continue;
        };
        let retired = events[i..].iter().find_map(|e| match e {
            Event::Retire { pc } => Some(*pc),
            _ => None,
        });
        assert_eq!(Some(pc), retired, "{kind:?} access {i} names another pc");
        kinds.push(kind);
    }
    kinds
}

fn count(kinds: &[AccessKind], kind: AccessKind) -> usize {
    kinds.iter().filter(|&&k| k == kind).count()
}

#[test]
fn loads_stores_and_amos_name_their_instruction() {
    let mut sink = Recorder::default();
    let (_, stop) = run_asm_with(1, &mut sink, |a: &mut Asm| {
        a.li(T0, 1 << 13);
        a.csrs(0x300, T0); // mstatus.FS: the FPU on
        a.li(S1, (RAM_BASE + 0x10_0000) as i64);
        a.li(T1, 0x1234);
        a.sd(T1, S1, 0);
        a.sw(T1, S1, 8);
        a.sh(T1, S1, 12);
        a.sb(T1, S1, 14);
        a.ld(T2, S1, 0);
        a.lw(T2, S1, 8);
        a.lhu(T2, S1, 12);
        a.lb(T2, S1, 14);
        a.c_ld(A1, S1, 16);
        a.amoadd_d(T2, S1, T1, false, false);
        a.lr_d(T2, S1, false, false);
        a.sc_d(T2, S1, T1, false, false);
        a.fld(1, S1, 0);
        a.fsd(1, S1, 24);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let kinds = check_pcs(&sink.0);
    assert!(count(&kinds, AccessKind::Store) >= 6, "{kinds:?}");
    assert!(count(&kinds, AccessKind::Load) >= 7, "{kinds:?}");
    assert!(count(&kinds, AccessKind::Amo) >= 1, "{kinds:?}");
}

#[test]
fn a_uipi_send_reads_its_sender_table_entry_as_a_table_read() {
    let mut sink = Recorder::default();
    let (_, stop) = run_asm_with(1, &mut sink, |a: &mut Asm| {
        let (m_handler, s_handler, user, u_handler) = (a.label(), a.label(), a.label(), a.label());
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        sret_to_user(a, user);
        a.bind(user);
        a.li(A0, 0);
        a.uipi_send(A0);
        a.ecall(); // to S: done
        a.align(4);
        a.bind(u_handler);
        a.uipi_write(ZERO);
        a.uret();
        a.align(4);
        a.bind(s_handler);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let kinds = check_pcs(&sink.0);
    assert_eq!(count(&kinds, AccessKind::TableRead), 1, "{kinds:?}");
}
