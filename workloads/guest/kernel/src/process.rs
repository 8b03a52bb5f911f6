//! A user process: its address space (built from an ELF image plus a
//! stack), its saved user context (x registers, pc, FP registers), and
//! [`Process::run`], which runs it until something the scheduler must act
//! on happens: a timer interrupt, a yield or sleep, a blocking call, or
//! its end.

use crate::async_state::{self, AsyncState, Outcall};
use crate::clock::Clock;
use crate::elf::{Elf, ElfError, PF_R, PF_W, PF_X};
use crate::fd_table::FdTable;
use crate::fpu::FpState;
use crate::frames::{FramePool, FRAMES, PAGE_SIZE};
use crate::lock::SpinLock;
use crate::memory_syscalls::MmapArea;
use crate::objects::{self, Objects};
use crate::page_table::{AddressSpace, MapError, PTE_R, PTE_W, PTE_X, USER_END};
use crate::process_shared::{self, NotifyTarget, Resources, Shared, MAX_PIDS};
use crate::syscall::{self, Action};
use crate::trap::{self, TrapFrame, CAUSE_ECALL_FROM_U};
use crate::user_memory::write_user;
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

/// Lowest address a process may map (page 0 stays unmapped: null pointers fault).
const USER_BASE: usize = PAGE_SIZE;
/// Top of the user stack and its size.
const STACK_TOP: usize = 0x4000_0000;
const STACK_PAGES: usize = 4;
/// Longest command line a process gets (a longer one is cut off).
const MAX_CMDLINE: usize = 1024;
/// Argument registers a0 and a1.
const A0: usize = 10;
const A1: usize = 11;

/// Why a process could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadError {
    Elf(ElfError),
    Map(MapError),
    /// A segment outside user space.
    BadSegment,
    /// No slot for its shared state (pid too large or taken).
    NoSlot,
}

impl From<ElfError> for LoadError {
    fn from(e: ElfError) -> Self {
        LoadError::Elf(e)
    }
}

impl From<MapError> for LoadError {
    fn from(e: MapError) -> Self {
        LoadError::Map(e)
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    /// Killed by an exception it caused (scause, sepc, stval).
    Killed {
        cause: usize,
        pc: usize,
        tval: usize,
    },
}

/// Why [`Process::run`] handed control back to the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An interrupt (the time slice ran out): switch to the next process.
    Interrupted,
    /// sched_yield.
    Yielded,
    /// Blocked until `time` reaches this tick.
    Sleeping(u64),
    /// Blocked in UINTR_WAIT until [`AsyncState::wait_over`].
    Waiting,
    /// Blocked in a syscall until a wake-up names it (the caller is
    /// registered with [`crate::objects`] already).
    Blocked,
    Ended(Outcome),
}

/// A loaded process.
pub struct Process {
    pub pid: usize,
    /// Its address space, mmap area, fd table and ring, which kernel
    /// code on other harts (a worker, the IO core) may use too.
    shared: &'static Shared,
    /// satp of its address space (fixed for its life).
    satp: usize,
    frame: TrapFrame,
    fp: FpState,
    /// Its async rings, UINTR and upcall state.
    asyncs: AsyncState,
    /// The syscall in `frame` blocked: run it again before returning to
    /// user mode.
    restart: bool,
}

impl Process {
    /// Builds process `pid`, to run on `hart`, from executable `image`,
    /// with the kernel command line `cmdline` copied to the top of its
    /// stack (a0 = its address, a1 = its length at entry). On error every
    /// frame taken so far is returned to `frames`.
    pub fn load(
        pid: usize,
        hart: usize,
        image: &[u8],
        cmdline: &str,
        frames: &mut FramePool,
    ) -> Result<Self, LoadError> {
        let mut space = AddressSpace::new(frames).map_err(MapError::from)?;
        space.set_asid(crate::smp::asid_for(pid));
        match build(&mut space, image, frames).and_then(|entry| {
            let sp = push_cmdline(&space, cmdline)?;
            Ok((entry, sp))
        }) {
            Ok((entry, (sp, len))) => {
                let mut frame = TrapFrame::new(pid, entry, sp);
                frame.regs[A0] = sp;
                frame.regs[A1] = len;
                let satp = space.satp();
                let resources = Resources {
                    space,
                    mmap: MmapArea::default(),
                    files: FdTable::new(),
                    ring: None,
                    notify: NotifyTarget {
                        hart,
                        ..NotifyTarget::default()
                    },
                };
                let shared = match process_shared::install(pid, resources) {
                    Ok(shared) => shared,
                    Err(space) => {
                        space.destroy(frames);
                        return Err(LoadError::NoSlot);
                    }
                };
                objects::born();
                Ok(Self {
                    pid,
                    shared,
                    satp,
                    frame,
                    fp: FpState::default(),
                    asyncs: AsyncState::default(),
                    restart: false,
                })
            }
            Err(e) => {
                space.destroy(frames);
                Err(e)
            }
        }
    }

    /// Runs the process (its space must be active) until an [`Event`];
    /// syscalls that need no scheduling are served in between (file, pipe
    /// and IPC calls on `objects`, locked for each call; memory calls
    /// take the frame pool's lock themselves). A call that blocked last
    /// time runs again first. Its user-interrupt state is live on the
    /// hart only inside this call.
    pub fn run(&mut self, clock: &Clock, objects: &SpinLock<Objects>) -> Event {
        if self.asyncs.is_waiting() && !self.asyncs.wait_over(self.pid) {
            return Event::Waiting; // looked again: still nothing
        }
        self.frame.clock = *clock;
        self.asyncs.switch_in();
        let event = self.run_switched_in(clock, objects);
        self.asyncs.switch_out();
        // A worker waiting for room in the completion ring looks again.
        if let Some(ring) = self.shared.lock().as_mut().and_then(|r| r.ring.as_mut()) {
            ring.user_ran();
        }
        event
    }

    fn run_switched_in(&mut self, clock: &Clock, objects: &SpinLock<Objects>) -> Event {
        loop {
            if !core::mem::take(&mut self.restart) {
                self.asyncs
                    .deliver_upcall(self.pid, &mut self.frame, &self.fp);
                self.fp.load_for(self.pid);
                let trap = trap::run_user(&mut self.frame);
                self.fp.save_if_dirty();
                if trap.interrupt {
                    return Event::Interrupted;
                }
                if trap.cause != CAUSE_ECALL_FROM_U {
                    return Event::Ended(Outcome::Killed {
                        cause: trap.cause,
                        pc: self.frame.sepc,
                        tval: trap.tval,
                    });
                }
                self.frame.sepc = self.frame.sepc.wrapping_add(4);
            }
            let mut guard = self.shared.lock();
            let Some(res) = guard.as_mut() else {
                // Cannot happen: the slot is cleared only by `destroy`.
                return Event::Ended(Outcome::Exited(-1));
            };
            let (mut ctx, ring, notify) = async_state::split(res, self.pid, objects, clock);
            match syscall::handle(&mut ctx, &mut self.frame.regs) {
                Action::Return(_) => {}
                Action::Yield => return Event::Yielded,
                Action::SleepUntil(deadline) => return Event::Sleeping(deadline),
                Action::Block => {
                    self.restart = true;
                    return Event::Blocked;
                }
                Action::Exit(code) => return Event::Ended(Outcome::Exited(code)),
                Action::ProcessCall => {
                    let frame = (&mut self.frame, &mut self.fp);
                    let outcall = self.asyncs.call(&mut ctx, ring, notify, frame);
                    // It may have put back an upcall's saved registers.
                    crate::fpu::forget(self.pid);
                    if outcall == Outcall::Wait {
                        return Event::Waiting;
                    }
                }
            }
        }
    }

    /// Switches this hart to the process's address space (nothing to do
    /// if it ran last here: the hart kept it).
    pub fn activate(&self) {
        crate::smp::switch_space(self.satp);
    }

    /// The process's async/UINTR state (for its worker and the scheduler).
    pub fn asyncs(&mut self) -> &mut AsyncState {
        &mut self.asyncs
    }

    /// Frees everything the process holds: its fds (pipe ends and
    /// endpoints are released, waking whoever that affects on any hart)
    /// and IPC state, ring, UINTR state, address space (which this hart
    /// leaves first if it still has it active). The caller has cancelled
    /// the worker.
    pub fn destroy(mut self) {
        self.asyncs.release(self.pid);
        let Some(mut res) = self.shared.lock().take() else {
            crate::channel::release(self.pid);
            objects::release(self.pid, |_| {});
            return;
        };
        // The ring first: while a ring exists no deadlock is declared, and
        // the release below checks for one among the processes left.
        if let Some(ring) = res.ring.take() {
            ring.teardown(&mut res.space, &mut FRAMES.lock());
        }
        objects::release(self.pid, |close| res.files.close_all(close));
        res.space.destroy(&mut FRAMES.lock());
        // Its channel's frames are freed once both parties are gone.
        crate::channel::release(self.pid);
    }

    /// The same-hart worker of its ring, if it has one (to cancel it).
    pub fn local_worker(&self) -> Option<crate::executor::TaskId> {
        let guard = self.shared.lock();
        let ring = guard.as_ref()?.ring.as_ref()?;
        ring.worker.filter(|_| ring.worker_hart.is_none())
    }
}

/// A process in the static cell of its pid (pids are never reused in a
/// boot, so each cell holds at most one process ever at a time): the run
/// queues move this pointer-sized handle around instead of the process,
/// whose registers, FP state and UINTR state make it large.
pub struct Placed(&'static mut Process);

struct Cell {
    used: AtomicBool,
    process: UnsafeCell<MaybeUninit<Process>>,
}

// SAFETY: a cell's process is reached only through the one `Placed` that
// claimed it (`used`), which is handed from hart to hart like the process
// itself.
unsafe impl Sync for Cell {}

static CELLS: [Cell; MAX_PIDS] = [const {
    Cell {
        used: AtomicBool::new(false),
        process: UnsafeCell::new(MaybeUninit::uninit()),
    }
}; MAX_PIDS];

impl Placed {
    /// Moves `process` into its pid's cell; None (the process destroyed)
    /// if the pid is outside the table or its cell is taken.
    pub fn new(process: Process) -> Option<Placed> {
        let Some(cell) = CELLS
            .get(process.pid)
            .filter(|c| !c.used.swap(true, Ordering::Acquire))
        else {
            process.destroy();
            return None;
        };
        // SAFETY: `used` was false, so no `Placed` refers to the cell and
        // this is now the only reference to it.
        let slot = unsafe { &mut *cell.process.get() };
        Some(Placed(slot.write(process)))
    }

    /// Moves the process out and frees the cell.
    pub fn into_inner(self) -> Process {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: the cell holds an initialized process that nothing else
        // refers to; the cell is marked free only after the read, and the
        // reference is not used again (`ManuallyDrop`).
        let process = unsafe { core::ptr::read(&*this.0) };
        if let Some(cell) = CELLS.get(process.pid) {
            cell.used.store(false, Ordering::Release);
        }
        process
    }
}

impl Drop for Placed {
    fn drop(&mut self) {
        let pid = self.0.pid;
        // SAFETY: the cell holds an initialized process only this handle
        // refers to; it is dropped once and the cell then freed.
        unsafe { core::ptr::drop_in_place(&mut *self.0) };
        if let Some(cell) = CELLS.get(pid) {
            cell.used.store(false, Ordering::Release);
        }
    }
}

impl core::ops::Deref for Placed {
    type Target = Process;
    fn deref(&self) -> &Process {
        self.0
    }
}

impl core::ops::DerefMut for Placed {
    fn deref_mut(&mut self) -> &mut Process {
        self.0
    }
}

/// Maps the image's segments and the stack into `space`; returns the entry.
fn build(
    space: &mut AddressSpace,
    image: &[u8],
    frames: &mut FramePool,
) -> Result<usize, LoadError> {
    let elf = Elf::parse(image)?;
    for segment in elf.segments() {
        let segment = segment?;
        let end = segment
            .vaddr
            .checked_add(segment.memsz)
            .filter(|&end| segment.vaddr >= USER_BASE && end <= STACK_TOP - STACK_PAGES * PAGE_SIZE)
            .ok_or(LoadError::BadSegment)?;
        let perms = perms(segment.flags);
        let mut page = segment.vaddr & !(PAGE_SIZE - 1);
        while page < end {
            let frame = space.map_user_page(frames, page, perms)?;
            copy_into_page(frame, page, segment.vaddr, segment.data);
            page += PAGE_SIZE;
        }
    }
    for i in 1..=STACK_PAGES {
        space.map_user_page(frames, STACK_TOP - i * PAGE_SIZE, PTE_R | PTE_W)?;
    }
    if elf.entry < USER_BASE || elf.entry >= USER_END {
        return Err(LoadError::BadSegment);
    }
    Ok(elf.entry)
}

/// Copies the command line (at most [`MAX_CMDLINE`] bytes, cut at a
/// character boundary) to the top of the fresh stack; returns the initial
/// stack pointer (16-byte aligned, the copy's address) and the length.
fn push_cmdline(space: &AddressSpace, cmdline: &str) -> Result<(usize, usize), LoadError> {
    let mut len = cmdline.len().min(MAX_CMDLINE);
    while !cmdline.is_char_boundary(len) {
        len -= 1;
    }
    let bytes = &cmdline.as_bytes()[..len];
    let sp = (STACK_TOP - len) & !15;
    let mut copied = 0;
    write_user(space, sp, len, |dst| {
        dst.copy_from_slice(&bytes[copied..copied + dst.len()]);
        copied += dst.len();
    })
    .map_err(|_| LoadError::BadSegment)?;
    Ok((sp, len))
}

/// PTE permissions for ELF segment flags.
fn perms(flags: u32) -> usize {
    let mut perms = 0;
    if flags & PF_R != 0 {
        perms |= PTE_R;
    }
    if flags & PF_W != 0 {
        perms |= PTE_W | PTE_R;
    }
    if flags & PF_X != 0 {
        perms |= PTE_X;
    }
    perms
}

/// Copies the part of `data` (which starts at `vaddr`) that falls in user
/// page `page` into its frame.
fn copy_into_page(frame: usize, page: usize, vaddr: usize, data: &[u8]) {
    let from = page.max(vaddr);
    let to = (page + PAGE_SIZE).min(vaddr.saturating_add(data.len()));
    if from >= to {
        return;
    }
    let src = &data[from - vaddr..to - vaddr];
    // SAFETY: `frame` is the process's page for `page`, mapped one to one
    // in the kernel; `from - page + src.len() <= PAGE_SIZE`.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), (frame + (from - page)) as *mut u8, src.len());
    }
}
