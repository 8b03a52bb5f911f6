//! Preset loading, listing, overrides and their errors.

use models::{ModelError, Preset, ReplacementPolicy, TimingModel};

#[test]
fn every_built_in_preset_loads_and_builds() {
    let names = Preset::names();
    assert!(names.contains(&"rocket-fpga") && names.contains(&"sifive-u74"));
    for name in names {
        let p = Preset::load(name).unwrap();
        assert_eq!(p.name, name);
        TimingModel::new(&p, 4).unwrap();
    }
    let rocket = Preset::load("rocket-fpga").unwrap();
    assert_eq!(rocket.clock_mhz, 100);
    assert_eq!(rocket.l1d.size_kib, 16);
}

/// DESIGN.md asks for the source of every number beside it.
#[test]
fn every_preset_number_has_a_comment() {
    for (file, text) in [
        ("rocket-fpga", include_str!("../presets/rocket-fpga.toml")),
        ("sifive-u74", include_str!("../presets/sifive-u74.toml")),
    ] {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
                continue;
            }
            let (_, value) = line.split_once('=').unwrap();
            let value = value.trim_start();
            if value.starts_with('"') && !value.contains('#') {
                // Names and descriptions need no source.
                continue;
            }
            assert!(line.contains('#'), "{file}: no source for `{line}`");
        }
    }
}

#[test]
fn unknown_preset_names_the_available_ones() {
    let err = Preset::load("pentium").unwrap_err();
    assert!(matches!(err, ModelError::UnknownPreset { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("pentium") && msg.contains("rocket-fpga"),
        "{msg}"
    );
}

#[test]
fn overrides_change_one_number() {
    let mut p = Preset::load("rocket-fpga").unwrap();
    p.apply_override("l1d.size_kib", "64").unwrap();
    p.apply_override("l2.replacement", "lru").unwrap();
    p.apply_override("bpred.kind", "bimodal").unwrap();
    p.apply_override("clock_mhz", "50").unwrap();
    assert_eq!(p.l1d.size_kib, 64);
    assert_eq!(p.l2.replacement, ReplacementPolicy::Lru);
    assert_eq!(p.clock_mhz, 50);
    p.apply_overrides(["core.div = 40", "mmu.asid_bits=9"])
        .unwrap();
    assert_eq!((p.core.div, p.mmu.asid_bits), (40, 9));
    // Everything else is untouched.
    let mut q = Preset::load("rocket-fpga").unwrap();
    q.l1d.size_kib = 64;
    q.l2.replacement = ReplacementPolicy::Lru;
    q.bpred.kind = models::PredictorKind::Bimodal;
    q.clock_mhz = 50;
    q.core.div = 40;
    q.mmu.asid_bits = 9;
    assert_eq!(p, q);
}

#[test]
fn override_errors_are_clear_and_leave_the_preset_unchanged() {
    let original = Preset::load("sifive-u74").unwrap();
    let mut p = original.clone();
    type Check = fn(&ModelError) -> bool;
    let cases: [(&str, &str, Check); 8] = [
        ("l1d.size", "64", |e| {
            matches!(e, ModelError::UnknownKey { .. })
        }),
        ("l3.size_kib", "64", |e| {
            matches!(e, ModelError::UnknownKey { .. })
        }),
        ("l1d", "64", |e| matches!(e, ModelError::UnknownKey { .. })),
        ("l1d.size_kib", "big", |e| {
            matches!(e, ModelError::BadValue { .. })
        }),
        ("l1d.size_kib", "-4", |e| {
            matches!(e, ModelError::BadValue { .. })
        }),
        ("l1d.replacement", "fifo", |e| {
            matches!(e, ModelError::BadValue { .. })
        }),
        ("core.alu", "99999999999", |e| {
            matches!(e, ModelError::BadValue { .. })
        }),
        ("l1d.size_kib", "24", |e| {
            matches!(e, ModelError::Invalid { .. })
        }),
    ];
    // An unknown key's error lists the keys where it went astray.
    let known = |key: &str| match p.clone().apply_override(key, "1") {
        Err(ModelError::UnknownKey { known, .. }) => known,
        other => panic!("{key}: {other:?}"),
    };
    assert!(known("l1d.size").contains(&"l1d.size_kib".to_string()));
    assert!(known("l3.size_kib").contains(&"l2.*".to_string()));
    assert!(known("l1d").contains(&"clock_mhz".to_string()));
    assert!(known("core.alu.x").contains(&"core.alu".to_string()));
    for (key, value, check) in cases {
        let err = p.apply_override(key, value).unwrap_err();
        assert!(check(&err), "{key}={value}: {err:?}");
        assert!(err.to_string().contains(key), "{err}");
        assert_eq!(p, original, "{key}={value} changed the preset");
    }
    // Sizes that would allocate gigabytes, and costs that would overflow
    // if added in 32 bits.
    for (key, value) in [
        ("clock_mhz", "0"),
        // In Hz, more than 64 bits hold.
        ("clock_mhz", "9223372036854775807"),
        ("clock_mhz", "1000001"),
        ("l2.size_kib", "2147483648"),
        ("bpred.entries", "2147483648"),
        ("dtlb.entries", "1048576"),
    ] {
        let err = p.apply_override(key, value).unwrap_err();
        assert!(matches!(err, ModelError::Invalid { .. }), "{key}: {err:?}");
    }
    let mut big = original.clone();
    big.apply_overrides([
        "trap.entry_cycles=4294967295",
        "core.pipeline_flush=4294967295",
    ])
    .unwrap();
    TimingModel::new(&big, 1).unwrap();
    let err = p.apply_overrides(["l1d.ways"]).unwrap_err();
    assert!(matches!(err, ModelError::MalformedOverride { .. }));
    // 32 KiB / (3 ways * 64 B) is not a power-of-two number of sets.
    let err = p.apply_override("l1d.ways", "3").unwrap_err();
    assert!(matches!(err, ModelError::Invalid { .. }), "{err:?}");
}

#[test]
fn malformed_preset_text_is_an_error() {
    let err = Preset::from_toml("mine", "name = 3").unwrap_err();
    assert!(matches!(err, ModelError::Parse { .. }));
    assert!(err.to_string().contains("mine"));
    let mut text = include_str!("../presets/rocket-fpga.toml").to_string();
    text.push_str("\n[extra]\nx = 1\n");
    assert!(Preset::from_toml("extra", &text).is_err());
}

#[test]
fn a_run_seed_keeps_seed_zero_and_separates_the_others() {
    let preset = Preset::load("rocket-fpga").unwrap();
    let seeded = |run: u64| {
        let mut p = preset.clone();
        p.reseed(run);
        p.seed
    };
    assert_eq!(seeded(0), preset.seed);
    let seeds: std::collections::BTreeSet<u64> = (0..1000).map(seeded).collect();
    assert_eq!(seeds.len(), 1000);
}

/// The harness's default quantum: the fewest cycles in which one hart can
/// reach another (an L2 hit, a device store, a UIPI), following overrides.
#[test]
fn the_cross_hart_latency_is_the_fastest_way_between_harts() {
    let rocket = Preset::load("rocket-fpga").unwrap();
    // l2 20, a device store 15, a UIPI 15 + 10.
    assert_eq!(rocket.cross_hart_latency(), 15);
    // l2 22, a device store 40, a UIPI 40 + 20.
    assert_eq!(Preset::load("sifive-u74").unwrap().cross_hart_latency(), 22);
    let mut p = rocket.clone();
    p.apply_override("l2.hit_latency", "4").unwrap();
    assert_eq!(p.cross_hart_latency(), 4);
    p.apply_override("uintr.send_store_cycles", "0").unwrap();
    p.apply_override("uintr.interconnect_cycles", "0").unwrap();
    assert_eq!(p.cross_hart_latency(), 1, "never 0");
}
