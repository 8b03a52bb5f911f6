//! The UIPI instruction of the user-interrupt extension (UINTR.md): SEND
//! through the kernel-managed sender table, and READ/WRITE/ACTIVATE/
//! DEACTIVATE of the running thread's own receiver entry in the UINTC.
//!
//! The sender table uses 8-byte entries (bit 0 valid, bits 31:16 vector,
//! bits 63:48 receiver index), so one page holds 512 of them.

use crate::bus::Bus;
use crate::hart::Hart;
use crate::inst::{DecodedInst, Op};
use crate::trap::{Exception, ExceptionCause};
use sim_core::{TimingSink, UintrEvent};

impl Hart {
    #[inline(never)]
    pub(super) fn execute_uipi<S: TimingSink>(
        &mut self,
        inst: &DecodedInst,
        bus: &mut Bus,
        sink: &mut S,
    ) -> Result<(), Exception> {
        // Receiver entry registers (per 32-byte entry of the controller).
        const SEND: u64 = 0x00;
        const PENDING: u64 = 0x10;
        const ACTIVE: u64 = 0x18;
        let uintc_base = self.csr.suicfg;
        let fault = |tval| Exception::new(ExceptionCause::StoreAccessFault, tval);
        // Any UIPI operation may raise or drop a user interrupt line.
        self.sync_request = true;
        match inst.op {
            Op::UipiSend => {
                let index = self.x[inst.rs1.index()];
                let suist = self.csr.suist;
                let enabled = suist >> 63 != 0;
                let pages = (suist >> 44) & 0xfff;
                // 8-byte sender-table entries: a page holds 512.
                let capacity = pages * 4096 / 8;
                if !enabled || index >= capacity {
                    self.counters.uintr_rejected += 1;
                    if S::ACTIVE {
                        sink.uintr(self.id, UintrEvent::SendRejected);
                    }
                    return Ok(());
                }
                let entry_pa = ((suist & ((1 << 44) - 1)) << 12) + index * 8;
                let entry = bus.read(entry_pa, 8).ok_or(fault(entry_pa))?;
                if S::ACTIVE {
                    sink.mem_access(
                        self.id,
                        &sim_core::MemAccess {
                            kind: sim_core::AccessKind::TableRead,
                            pc: self.inst_pc,
                            vaddr: entry_pa,
                            paddr: entry_pa,
                            size: 8,
                            data: entry,
                            privilege: self.privilege,
                        },
                    );
                }
                if entry & 1 == 0 {
                    self.counters.uintr_rejected += 1;
                    if S::ACTIVE {
                        sink.uintr(self.id, UintrEvent::SendRejected);
                    }
                    return Ok(());
                }
                let vector = (entry >> 16) & 0xffff;
                let receiver = (entry >> 48) as u16;
                let reg = uintc_base + receiver as u64 * 32 + SEND;
                if !bus.write(reg, 8, vector) {
                    return Err(fault(reg));
                }
                self.counters.uintr_sent += 1;
                if S::ACTIVE {
                    let active = bus.read(uintc_base + receiver as u64 * 32 + ACTIVE, 8) == Some(1);
                    sink.uintr(
                        self.id,
                        UintrEvent::Send {
                            receiver,
                            delivered_to_active: active,
                        },
                    );
                }
            }
            op => {
                let suirs = self.csr.suirs;
                if suirs >> 63 == 0 {
                    // No receiver entry registered for this thread.
                    return Err(Exception::illegal(inst.raw));
                }
                let entry = uintc_base + (suirs & 0xffff) * 32;
                match op {
                    Op::UipiRead => {
                        let v = bus.read(entry + PENDING, 8).ok_or(fault(entry))?;
                        self.set_x(sink, inst.rd, v);
                    }
                    Op::UipiWrite => {
                        let v = self.x[inst.rs1.index()];
                        if !bus.write(entry + PENDING, 8, v) {
                            return Err(fault(entry));
                        }
                    }
                    Op::UipiActivate | Op::UipiDeactivate => {
                        let v = (op == Op::UipiActivate) as u64;
                        if !bus.write(entry + ACTIVE, 8, v) {
                            return Err(fault(entry));
                        }
                    }
                    _ => unreachable!("UIPI ops only"),
                }
            }
        }
        Ok(())
    }
}
