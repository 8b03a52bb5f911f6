//! Synchronous IPC endpoints, seL4-style: a sender blocks until a
//! receiver has taken its message; a caller also waits for the reply,
//! which the receiver sends with `reply` to "the caller its last receive
//! got". Messages of at most [`MAX_MESSAGE`] bytes are copied through the
//! kernel (into the sender's slot here, out of it by the receiver), so
//! each copy touches only the address space of the process that runs.
//!
//! Endpoints are named by a user-chosen key so that processes started
//! independently can meet; processes hold them through fds (reference
//! counted here). Each process in an exchange has a *party* slot: its
//! message buffer, the phase of its blocked call and the caller it owes a
//! reply. A blocked call is restarted by the kernel when the process is
//! woken; the phase tells a restart what has happened meanwhile.
//!
//! Pure state machine (no user memory, no scheduler), so host-testable.
//! Wake-ups go out through a callback as [`Wait`] values.

/// Bytes a message can have.
pub const MAX_MESSAGE: usize = 256;
/// Endpoints that can exist at once.
pub const MAX_ENDPOINTS: usize = 8;
/// Processes that can take part in IPC at once.
pub const MAX_PARTIES: usize = 8;

/// Index of an endpoint in the table.
pub type EndpointId = usize;

/// Why an IPC operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpcError {
    /// endpoint_create: the key is taken.
    Exists,
    /// endpoint_open: no endpoint has the key.
    NotFound,
    /// The endpoint or party table is full.
    NoSpace,
    /// The message is longer than [`MAX_MESSAGE`].
    TooLong,
    /// reply: no caller is waiting for a reply from this process.
    NoCaller,
    /// The partner died (or was dropped) before answering.
    PartnerGone,
    /// The user buffer was bad (the message stays where it was).
    Fault,
}

/// What a blocked process waits for (the kernel turns it into a
/// scheduler key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A sender on this endpoint.
    Receivers(EndpointId),
    /// A change of this process's own phase (message taken, reply, error).
    Party(usize),
}

/// Result of a step of a call that may block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Done, with this result.
    Done(usize),
    /// Block on this and restart the call when woken.
    Block(Wait),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Its message waits for a receiver of `ep` (FIFO by `seq`); a call
    /// then waits for the reply.
    Sending {
        ep: EndpointId,
        call: bool,
        seq: u64,
    },
    /// Its call was received by `server`, which owes the reply.
    AwaitingReply {
        server: usize,
    },
    /// The reply is in the message buffer.
    Replied,
    /// Its send was received (result 0).
    Delivered,
    /// Its call failed while it was blocked.
    Failed(IpcError),
    /// Blocked in the receive half of recv / reply_recv.
    Receiving,
}

#[derive(Clone, Copy)]
struct Party {
    pid: usize,
    phase: Phase,
    /// The caller this process received last and has not answered.
    reply_to: Option<usize>,
    len: usize,
    msg: [u8; MAX_MESSAGE],
}

#[derive(Clone, Copy)]
struct Endpoint {
    key: usize,
    refs: usize,
}

/// Endpoints and parties.
pub struct Ipc {
    endpoints: [Option<Endpoint>; MAX_ENDPOINTS],
    parties: [Option<Party>; MAX_PARTIES],
    next_seq: u64,
}

impl Default for Ipc {
    fn default() -> Self {
        Self::new()
    }
}

impl Ipc {
    /// No endpoints, no parties.
    pub const fn new() -> Self {
        Self {
            endpoints: [None; MAX_ENDPOINTS],
            parties: [None; MAX_PARTIES],
            next_seq: 0,
        }
    }

    /// endpoint_create: a new endpoint named `key`, with one reference.
    pub fn create(&mut self, key: usize) -> Result<EndpointId, IpcError> {
        if self.find(key).is_some() {
            return Err(IpcError::Exists);
        }
        let id = self
            .endpoints
            .iter()
            .position(Option::is_none)
            .ok_or(IpcError::NoSpace)?;
        self.endpoints[id] = Some(Endpoint { key, refs: 1 });
        Ok(id)
    }

    /// endpoint_open: one more reference to the endpoint named `key`.
    pub fn open(&mut self, key: usize) -> Result<EndpointId, IpcError> {
        let id = self.find(key).ok_or(IpcError::NotFound)?;
        if let Some(ep) = &mut self.endpoints[id] {
            ep.refs += 1;
        }
        Ok(id)
    }

    /// Drops a reference (an fd closed); the last one frees the endpoint
    /// and its key. Returns whether `id` was an endpoint.
    pub fn close(&mut self, id: EndpointId) -> bool {
        let Some(slot) = self.endpoints.get_mut(id) else {
            return false;
        };
        let Some(ep) = slot else {
            return false;
        };
        ep.refs -= 1;
        if ep.refs == 0 {
            *slot = None;
        }
        true
    }

    /// Endpoints in use (for leak checks).
    pub fn endpoints_in_use(&self) -> usize {
        self.endpoints.iter().flatten().count()
    }

    /// Whether `pid` is inside a send or call (a restart must resume it
    /// rather than start a new one).
    pub fn busy(&self, pid: usize) -> bool {
        self.party(pid)
            .is_some_and(|p| !matches!(p.phase, Phase::Idle | Phase::Receiving))
    }

    /// Starts a send (`call` false) or call of a `len`-byte message on
    /// `ep` by `pid`; `fill` writes the message into the kernel's buffer
    /// (straight from user memory; on error nothing changes). The message
    /// waits there and `pid` blocks until a receiver takes it (then, for a
    /// call, until the reply).
    pub fn start_send(
        &mut self,
        pid: usize,
        ep: EndpointId,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<(), IpcError>,
        call: bool,
        wake: &mut dyn FnMut(Wait),
    ) -> Result<Step, IpcError> {
        if len > MAX_MESSAGE {
            return Err(IpcError::TooLong);
        }
        if !matches!(self.endpoints.get(ep), Some(Some(_))) {
            return Err(IpcError::NotFound);
        }
        let seq = self.next_seq;
        let me = self.party_or_new(pid)?;
        fill(&mut me.msg[..len])?;
        me.len = len;
        me.phase = Phase::Sending { ep, call, seq };
        self.next_seq += 1;
        wake(Wait::Receivers(ep));
        Ok(Step::Block(Wait::Party(pid)))
    }

    /// Resumes the send or call `pid` is [`busy`](Ipc::busy) with: blocks
    /// again, or ends it (a send with 0; a call by handing the reply to
    /// `take_reply`, which returns the call's result).
    pub fn resume(
        &mut self,
        pid: usize,
        take_reply: impl FnOnce(&[u8]) -> Result<usize, IpcError>,
    ) -> Result<Step, IpcError> {
        let Some(me) = self.party_mut(pid) else {
            return Err(IpcError::PartnerGone);
        };
        match me.phase {
            Phase::Sending { .. } | Phase::AwaitingReply { .. } => {
                Ok(Step::Block(Wait::Party(pid)))
            }
            Phase::Delivered => {
                me.phase = Phase::Idle;
                Ok(Step::Done(0))
            }
            Phase::Replied => {
                me.phase = Phase::Idle;
                take_reply(&me.msg[..me.len]).map(Step::Done)
            }
            Phase::Failed(e) => {
                me.phase = Phase::Idle;
                Err(e)
            }
            Phase::Idle | Phase::Receiving => Err(IpcError::NoCaller),
        }
    }

    /// recv on `ep` by `pid`: hands the oldest waiting message to `take`
    /// (which copies it out and returns the call's result; on error the
    /// message stays queued), or blocks until a sender comes. Receiving a
    /// call makes `pid` owe its caller the reply; an unanswered earlier
    /// caller then fails with [`IpcError::PartnerGone`].
    pub fn recv(
        &mut self,
        pid: usize,
        ep: EndpointId,
        take: impl FnOnce(&[u8]) -> Result<usize, IpcError>,
        wake: &mut dyn FnMut(Wait),
    ) -> Result<Step, IpcError> {
        if !matches!(self.endpoints.get(ep), Some(Some(_))) {
            return Err(IpcError::NotFound);
        }
        // Not Receiving unless it blocks below (a failed copy must not
        // leave a restart marker behind).
        self.party_or_new(pid)?.phase = Phase::Idle;
        let sender = self
            .parties
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p {
                Some(Party {
                    phase: Phase::Sending { ep: e, call, seq },
                    ..
                }) if *e == ep => Some((i, *call, *seq)),
                _ => None,
            })
            .min_by_key(|&(_, _, seq)| seq);
        let Some((sender, call, _)) = sender else {
            if let Some(me) = self.party_mut(pid) {
                me.phase = Phase::Receiving;
            }
            return Ok(Step::Block(Wait::Receivers(ep)));
        };
        let Some(s) = &mut self.parties[sender] else {
            return Err(IpcError::PartnerGone);
        };
        let result = take(&s.msg[..s.len])?;
        let caller = s.pid;
        s.phase = if call {
            Phase::AwaitingReply { server: pid }
        } else {
            Phase::Delivered
        };
        wake(Wait::Party(caller));
        let Some(me) = self.party_mut(pid) else {
            return Err(IpcError::PartnerGone);
        };
        me.phase = Phase::Idle;
        let dropped = if call {
            me.reply_to.replace(caller)
        } else {
            None
        };
        if let Some(old) = dropped {
            self.fail_caller(old, pid, wake);
        }
        Ok(Step::Done(result))
    }

    /// Whether `pid` blocked in a receive (a restarted reply_recv must not
    /// reply again).
    pub fn receiving(&self, pid: usize) -> bool {
        self.party(pid).is_some_and(|p| p.phase == Phase::Receiving)
    }

    /// reply: a `len`-byte message, written by `fill` into the caller's
    /// buffer, for the caller `pid` received last, which is woken. If
    /// `fill` fails nothing changes (the caller still waits).
    pub fn reply(
        &mut self,
        pid: usize,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<(), IpcError>,
        wake: &mut dyn FnMut(Wait),
    ) -> Result<(), IpcError> {
        if len > MAX_MESSAGE {
            return Err(IpcError::TooLong);
        }
        let caller = self
            .party(pid)
            .and_then(|me| me.reply_to)
            .ok_or(IpcError::NoCaller)?;
        let Some(c) = self
            .party_mut(caller)
            .filter(|c| c.phase == Phase::AwaitingReply { server: pid })
        else {
            return Err(IpcError::NoCaller);
        };
        fill(&mut c.msg[..len])?;
        c.len = len;
        c.phase = Phase::Replied;
        wake(Wait::Party(caller));
        if let Some(me) = self.party_mut(pid) {
            me.reply_to = None;
        }
        Ok(())
    }

    /// Forgets process `pid` (it ended): its pending message is dropped,
    /// a caller waiting for its reply fails with [`IpcError::PartnerGone`],
    /// and a server that owes it a reply no longer does.
    pub fn exit(&mut self, pid: usize, wake: &mut dyn FnMut(Wait)) {
        let Some(i) = self.slot(pid) else {
            return;
        };
        self.parties[i] = None;
        for other in self.parties.iter_mut().flatten() {
            if other.reply_to == Some(pid) {
                other.reply_to = None;
            }
            if other.phase == (Phase::AwaitingReply { server: pid }) {
                other.phase = Phase::Failed(IpcError::PartnerGone);
                wake(Wait::Party(other.pid));
            }
        }
    }

    /// Parties in use (for leak checks).
    pub fn parties_in_use(&self) -> usize {
        self.parties.iter().flatten().count()
    }

    /// Fails `caller`, which was waiting for `server`'s reply.
    fn fail_caller(&mut self, caller: usize, server: usize, wake: &mut dyn FnMut(Wait)) {
        if let Some(c) = self
            .party_mut(caller)
            .filter(|c| c.phase == Phase::AwaitingReply { server })
        {
            c.phase = Phase::Failed(IpcError::PartnerGone);
            wake(Wait::Party(caller));
        }
    }

    fn find(&self, key: usize) -> Option<EndpointId> {
        self.endpoints
            .iter()
            .position(|ep| matches!(ep, Some(ep) if ep.key == key))
    }

    fn slot(&self, pid: usize) -> Option<usize> {
        self.parties
            .iter()
            .position(|p| matches!(p, Some(p) if p.pid == pid))
    }

    fn party(&self, pid: usize) -> Option<&Party> {
        self.parties.iter().flatten().find(|p| p.pid == pid)
    }

    fn party_mut(&mut self, pid: usize) -> Option<&mut Party> {
        self.parties.iter_mut().flatten().find(|p| p.pid == pid)
    }

    fn party_or_new(&mut self, pid: usize) -> Result<&mut Party, IpcError> {
        let i = match self.slot(pid) {
            Some(i) => i,
            None => {
                let i = self
                    .parties
                    .iter()
                    .position(Option::is_none)
                    .ok_or(IpcError::NoSpace)?;
                self.parties[i] = Some(Party {
                    pid,
                    phase: Phase::Idle,
                    reply_to: None,
                    len: 0,
                    msg: [0; MAX_MESSAGE],
                });
                i
            }
        };
        self.parties[i].as_mut().ok_or(IpcError::NoSpace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records wake-ups.
    #[derive(Default)]
    struct Wakes(Vec<Wait>);

    impl Wakes {
        fn f(&mut self) -> impl FnMut(Wait) + '_ {
            |w| self.0.push(w)
        }
    }

    /// A fill function that copies `msg`.
    fn fill(msg: &[u8]) -> impl FnOnce(&mut [u8]) -> Result<(), IpcError> + '_ {
        |buf| {
            buf.copy_from_slice(msg);
            Ok(())
        }
    }

    fn copy_to(out: &mut Vec<u8>) -> impl FnOnce(&[u8]) -> Result<usize, IpcError> + '_ {
        |m| {
            out.clear();
            out.extend_from_slice(m);
            Ok(m.len())
        }
    }

    #[test]
    fn endpoints_are_named_counted_and_freed() {
        let mut ipc = Ipc::new();
        let a = ipc.create(7).unwrap();
        assert_eq!(ipc.create(7), Err(IpcError::Exists));
        assert_eq!(ipc.open(8), Err(IpcError::NotFound));
        assert_eq!(ipc.open(7), Ok(a));
        assert!(ipc.close(a));
        assert_eq!(ipc.endpoints_in_use(), 1, "one reference left");
        assert!(ipc.close(a));
        assert_eq!(ipc.endpoints_in_use(), 0);
        assert!(!ipc.close(a), "already gone");
        assert!(!ipc.close(MAX_ENDPOINTS), "out of range");
        assert_eq!(ipc.open(7), Err(IpcError::NotFound), "key freed");
        for key in 0..MAX_ENDPOINTS {
            ipc.create(key).unwrap();
        }
        assert_eq!(ipc.create(99), Err(IpcError::NoSpace));
    }

    #[test]
    fn call_recv_reply_round_trip() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        // The server waits first.
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Block(Wait::Receivers(ep)))
        );
        assert!(ipc.receiving(2));
        assert!(!ipc.busy(2));
        // The client calls: it blocks and wakes the receivers.
        assert_eq!(
            ipc.start_send(1, ep, b"ping".len(), fill(b"ping"), true, &mut w.f()),
            Ok(Step::Block(Wait::Party(1)))
        );
        assert_eq!(w.0, [Wait::Receivers(ep)]);
        assert!(ipc.busy(1));
        assert_eq!(
            ipc.resume(1, copy_to(&mut got)),
            Ok(Step::Block(Wait::Party(1)))
        );
        // The restarted recv takes it.
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Done(4))
        );
        assert_eq!(got, b"ping");
        assert!(!ipc.receiving(2));
        assert_eq!(w.0[1], Wait::Party(1));
        // Still waiting for the reply.
        assert_eq!(
            ipc.resume(1, copy_to(&mut got)),
            Ok(Step::Block(Wait::Party(1)))
        );
        ipc.reply(2, b"pong!".len(), fill(b"pong!"), &mut w.f())
            .unwrap();
        assert_eq!(w.0[2], Wait::Party(1));
        assert_eq!(
            ipc.reply(2, b"again".len(), fill(b"again"), &mut w.f()),
            Err(IpcError::NoCaller)
        );
        assert_eq!(ipc.resume(1, copy_to(&mut got)), Ok(Step::Done(5)));
        assert_eq!(got, b"pong!");
        assert!(!ipc.busy(1));
    }

    #[test]
    fn sends_are_received_in_order_and_senders_released() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        ipc.start_send(3, ep, b"first".len(), fill(b"first"), false, &mut w.f())
            .unwrap();
        ipc.start_send(1, ep, b"second".len(), fill(b"second"), false, &mut w.f())
            .unwrap();
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Done(5))
        );
        assert_eq!(got, b"first");
        assert_eq!(ipc.resume(3, copy_to(&mut got)), Ok(Step::Done(0)));
        assert_eq!(
            ipc.resume(1, copy_to(&mut got)),
            Ok(Step::Block(Wait::Party(1)))
        );
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Done(6))
        );
        assert_eq!(got, b"second");
        assert_eq!(
            ipc.reply(2, b"x".len(), fill(b"x"), &mut w.f()),
            Err(IpcError::NoCaller),
            "a send wants no reply"
        );
        assert_eq!(ipc.resume(1, copy_to(&mut got)), Ok(Step::Done(0)));
    }

    #[test]
    fn a_failed_copy_leaves_the_message_queued() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        ipc.start_send(1, ep, b"keep".len(), fill(b"keep"), true, &mut w.f())
            .unwrap();
        assert_eq!(
            ipc.recv(2, ep, |_| Err(IpcError::Fault), &mut w.f()),
            Err(IpcError::Fault)
        );
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Done(4))
        );
        assert_eq!(got, b"keep");
    }

    #[test]
    fn bad_arguments_are_refused() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        let long = [0u8; MAX_MESSAGE + 1];
        assert_eq!(
            ipc.start_send(1, ep, long.len(), fill(&long), false, &mut w.f()),
            Err(IpcError::TooLong)
        );
        assert_eq!(
            ipc.reply(1, long.len(), fill(&long), &mut w.f()),
            Err(IpcError::TooLong)
        );
        assert_eq!(
            ipc.start_send(1, ep + 1, 0, fill(b""), false, &mut w.f()),
            Err(IpcError::NotFound)
        );
        assert_eq!(
            ipc.start_send(1, usize::MAX, 0, fill(b""), false, &mut w.f()),
            Err(IpcError::NotFound)
        );
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(1, 99, copy_to(&mut got), &mut w.f()),
            Err(IpcError::NotFound)
        );
        assert_eq!(
            ipc.reply(5, 0, fill(b""), &mut w.f()),
            Err(IpcError::NoCaller)
        );
        assert_eq!(ipc.resume(5, copy_to(&mut got)), Err(IpcError::PartnerGone));
        assert!(w.0.is_empty());
        // A full message is fine.
        assert!(ipc
            .start_send(
                1,
                ep,
                MAX_MESSAGE,
                fill(&[9; MAX_MESSAGE]),
                false,
                &mut w.f()
            )
            .is_ok());
    }

    #[test]
    fn a_dying_server_fails_its_caller_and_a_dying_caller_frees_the_server() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        let mut got = Vec::new();
        ipc.start_send(1, ep, b"q".len(), fill(b"q"), true, &mut w.f())
            .unwrap();
        ipc.recv(2, ep, copy_to(&mut got), &mut w.f()).unwrap();
        w.0.clear();
        ipc.exit(2, &mut w.f());
        assert_eq!(w.0, [Wait::Party(1)]);
        assert_eq!(ipc.resume(1, copy_to(&mut got)), Err(IpcError::PartnerGone));
        assert!(!ipc.busy(1));

        // Now the caller dies while the server owes it the reply.
        ipc.start_send(1, ep, b"q".len(), fill(b"q"), true, &mut w.f())
            .unwrap();
        ipc.recv(3, ep, copy_to(&mut got), &mut w.f()).unwrap();
        ipc.exit(1, &mut w.f());
        assert_eq!(
            ipc.reply(3, b"late".len(), fill(b"late"), &mut w.f()),
            Err(IpcError::NoCaller)
        );
        ipc.exit(3, &mut w.f());
        assert_eq!(ipc.parties_in_use(), 0);
    }

    #[test]
    fn failed_fills_change_nothing() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        let fault = |_: &mut [u8]| Err(IpcError::Fault);
        assert_eq!(
            ipc.start_send(1, ep, 4, fault, true, &mut w.f()),
            Err(IpcError::Fault)
        );
        assert!(!ipc.busy(1), "no message is queued");
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Block(Wait::Receivers(ep)))
        );
        ipc.start_send(1, ep, 2, fill(b"hi"), true, &mut w.f())
            .unwrap();
        ipc.recv(2, ep, copy_to(&mut got), &mut w.f()).unwrap();
        assert_eq!(ipc.reply(2, 1, fault, &mut w.f()), Err(IpcError::Fault));
        assert_eq!(
            ipc.resume(1, copy_to(&mut got)),
            Ok(Step::Block(Wait::Party(1)))
        );
        ipc.reply(2, 2, fill(b"ok"), &mut w.f()).unwrap();
        assert_eq!(ipc.resume(1, copy_to(&mut got)), Ok(Step::Done(2)));
        assert_eq!(got, b"ok");
    }

    #[test]
    fn a_dead_senders_message_is_dropped() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        ipc.start_send(1, ep, b"gone".len(), fill(b"gone"), false, &mut w.f())
            .unwrap();
        ipc.exit(1, &mut w.f());
        let mut got = Vec::new();
        assert_eq!(
            ipc.recv(2, ep, copy_to(&mut got), &mut w.f()),
            Ok(Step::Block(Wait::Receivers(ep)))
        );
    }

    #[test]
    fn receiving_a_new_call_fails_the_unanswered_one() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        let mut got = Vec::new();
        ipc.start_send(1, ep, b"a".len(), fill(b"a"), true, &mut w.f())
            .unwrap();
        ipc.start_send(3, ep, b"b".len(), fill(b"b"), true, &mut w.f())
            .unwrap();
        ipc.recv(2, ep, copy_to(&mut got), &mut w.f()).unwrap();
        ipc.recv(2, ep, copy_to(&mut got), &mut w.f()).unwrap();
        assert_eq!(got, b"b");
        assert_eq!(ipc.resume(1, copy_to(&mut got)), Err(IpcError::PartnerGone));
        ipc.reply(2, b"B".len(), fill(b"B"), &mut w.f()).unwrap();
        assert_eq!(ipc.resume(3, copy_to(&mut got)), Ok(Step::Done(1)));
        assert_eq!(got, b"B");
    }

    #[test]
    fn the_party_table_fills_up() {
        let mut ipc = Ipc::new();
        let mut w = Wakes::default();
        let ep = ipc.create(1).unwrap();
        for pid in 0..MAX_PARTIES {
            ipc.start_send(pid, ep, 0, fill(b""), false, &mut w.f())
                .unwrap();
        }
        assert_eq!(
            ipc.start_send(MAX_PARTIES, ep, 0, fill(b""), false, &mut w.f()),
            Err(IpcError::NoSpace)
        );
    }
}
