//! Host tests of the guest kernel's `/chosen/bootargs` and
//! `/cpus/timebase-frequency` readers, on device
//! trees built here, including truncated and corrupted ones.

use crate::guest_fdt::{bootargs, timebase_frequency};

use crate::test_fdt::FdtBuilder as Tree;

/// A virt-like tree whose `/chosen` has `args` (if any) after another
/// property and a child node; decoys elsewhere.
fn tree(args: Option<&[u8]>) -> Vec<u8> {
    let mut t = Tree::default();
    t.begin("").prop("#address-cells", &[0, 0, 0, 2]);
    t.begin("soc")
        .begin("chosen")
        .prop("bootargs", b"decoy\0")
        .end()
        .end();
    t.begin("chosen")
        .prop("stdout-path", b"/soc/serial@10000000\0")
        .begin("child")
        .prop("bootargs", b"child decoy\0")
        .end();
    if let Some(args) = args {
        t.prop("bootargs", args);
    }
    t.end();
    t.begin("memory@80000000").prop("reg", &[0; 16]).end();
    t.end();
    t.finish()
}

#[test]
fn finds_the_bootargs_of_the_top_level_chosen_node_only() {
    assert_eq!(
        bootargs(&tree(Some(b"init=a,b x=1\0"))),
        Some("init=a,b x=1")
    );
    assert_eq!(bootargs(&tree(Some(b"\0"))), Some(""));
    assert_eq!(bootargs(&tree(None)), None);
    assert_eq!(bootargs(&tree(Some(b"\xff\xfe\0"))), None, "not UTF-8");
}

#[test]
fn truncated_or_corrupted_trees_are_none_and_never_panic() {
    let good = tree(Some(b"init=user-hello\0"));
    for len in 0..good.len() {
        let mut cut = good[..len].to_vec();
        assert_eq!(bootargs(&cut), None, "cut at {len}");
        // The same prefix claiming to be whole (total size = its length).
        if cut.len() >= 8 {
            cut[4..8].copy_from_slice(&(len as u32).to_be_bytes());
            let _ = bootargs(&cut);
        }
    }
    for at in 0..good.len() {
        for value in [0x00, 0xff, 0x7f] {
            let mut bad = good.clone();
            bad[at] = value;
            let _ = bootargs(&bad);
        }
    }
    let mut huge = good.clone();
    for field in [8, 12, 32, 36] {
        huge[field..field + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(bootargs(&huge), None, "field at {field}");
        huge = good.clone();
    }
}

/// A tree with `/cpus/timebase-frequency` = `value` (if any) and a decoy
/// in a cpu node below it.
fn cpus_tree(value: Option<&[u8]>) -> Vec<u8> {
    let mut t = Tree::default();
    t.begin("");
    t.begin("cpus").prop("#address-cells", &[0, 0, 0, 1]);
    t.begin("cpu@0")
        .prop("timebase-frequency", &7u32.to_be_bytes())
        .end();
    if let Some(value) = value {
        t.prop("timebase-frequency", value);
    }
    t.end();
    t.end();
    t.finish()
}

#[test]
fn reads_the_timebase_of_the_cpus_node_only() {
    let hz = 10_000_000u32.to_be_bytes();
    assert_eq!(timebase_frequency(&cpus_tree(Some(&hz))), Some(10_000_000));
    assert_eq!(timebase_frequency(&cpus_tree(None)), None, "decoy in cpu@0");
    assert_eq!(timebase_frequency(&cpus_tree(Some(&[0; 4]))), None, "zero");
    assert_eq!(timebase_frequency(&cpus_tree(Some(&[0, 1]))), None, "short");
    assert_eq!(timebase_frequency(&tree(Some(b"x\0"))), None, "no /cpus");
    let good = cpus_tree(Some(&hz));
    for len in 0..good.len() {
        assert_eq!(timebase_frequency(&good[..len]), None, "cut at {len}");
    }
}

/// `reg` (two address cells) of a node by one of its `compatible` strings.
fn device_tree() -> Vec<u8> {
    let reg = |addr: u64| {
        let mut v = addr.to_be_bytes().to_vec();
        v.extend_from_slice(&0x1000u64.to_be_bytes());
        v
    };
    let mut t = Tree::default();
    t.begin("");
    t.begin("soc");
    // reg before compatible, and a child after the properties.
    t.begin("uart@10000000")
        .prop("reg", &reg(0x1000_0000))
        .prop("compatible", b"ns16550a\0")
        .end();
    t.begin("simctl@10200000")
        .prop("reg", &reg(0x1020_0000))
        .prop("compatible", b"vendor,other\0asyncsim,sim-control\0")
        .begin("child")
        .prop("reg", &reg(0xdead_0000))
        .end()
        .end();
    t.begin("nreg").prop("compatible", b"no-reg\0").end();
    t.end();
    t.end();
    t.finish()
}

#[test]
fn devices_are_found_by_compatible() {
    use crate::guest_fdt::reg_of_compatible;
    let blob = device_tree();
    assert_eq!(
        reg_of_compatible(&blob, b"asyncsim,sim-control"),
        Some(0x1020_0000)
    );
    assert_eq!(reg_of_compatible(&blob, b"ns16550a"), Some(0x1000_0000));
    // A prefix of a compatible string is not a match; a node without reg
    // is not found.
    assert_eq!(reg_of_compatible(&blob, b"asyncsim"), None);
    assert_eq!(reg_of_compatible(&blob, b"no-reg"), None);
    // Truncated trees give None, never a panic.
    for len in 0..blob.len() {
        let mut cut = blob[..len].to_vec();
        if cut.len() >= 8 {
            cut[4..8].copy_from_slice(&(len as u32).to_be_bytes());
        }
        let _ = reg_of_compatible(&cut, b"asyncsim,sim-control");
    }
}
