//! Device tree for the platform, built with `vm-fdt`.
//!
//! The tree follows QEMU `virt` (node names, compatibles, interrupt
//! wiring) so firmware and kernels written for `virt` find their devices;
//! the UINTC and sim-control nodes are the additions of asyncsim.
//! Phandles: hart h's interrupt controller is `h + 1`, then the PLIC and
//! the finisher.

use std::fmt;

use vm_fdt::FdtWriter;

use crate::platform::*;

/// Base ISA string of every hart.
pub const RISCV_ISA: &str = "rv64imafdcn_zicsr_zifencei";
const ISA_EXTENSIONS: [&str; 9] = ["i", "m", "a", "f", "d", "c", "n", "zicsr", "zifencei"];
const IRQ_M_SOFT: u32 = 3;
const IRQ_M_TIMER: u32 = 7;
const IRQ_S_EXT: u32 = 9;
const IRQ_M_EXT: u32 = 11;

#[derive(Debug)]
pub enum DtbError {
    /// The configuration itself is invalid.
    Config(PlatformError),
    /// `vm-fdt` refused the tree.
    Fdt(vm_fdt::Error),
}

impl fmt::Display for DtbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DtbError::Config(e) => write!(f, "cannot build the device tree: {e}"),
            DtbError::Fdt(e) => write!(f, "cannot build the device tree: {e}"),
        }
    }
}

impl std::error::Error for DtbError {}

impl From<vm_fdt::Error> for DtbError {
    fn from(e: vm_fdt::Error) -> Self {
        DtbError::Fdt(e)
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `reg` with 2 address and 2 size cells.
fn reg(base: u64, size: u64) -> [u64; 2] {
    [base, size]
}

/// Builds the flattened device tree blob for `cfg`.
pub fn build_fdt(cfg: &PlatformConfig) -> Result<Vec<u8>, DtbError> {
    cfg.validate().map_err(DtbError::Config)?;
    let harts = cfg.harts as u32;
    let intc = |h: u32| h + 1;
    let plic_phandle = harts + 1;
    let test_phandle = harts + 2;

    let mut fdt = FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string_list("compatible", strings(&["asyncsim,virt", "riscv-virtio"]))?;
    fdt.property_string("model", "asyncsim virt")?;

    let chosen = fdt.begin_node("chosen")?;
    fdt.property_string("bootargs", &cfg.bootargs)?;
    fdt.property_string("stdout-path", &format!("/soc/serial@{UART_BASE:x}"))?;
    fdt.end_node(chosen)?;

    let memory = fdt.begin_node(&format!("memory@{RAM_BASE:x}"))?;
    fdt.property_string("device_type", "memory")?;
    fdt.property_array_u64("reg", &reg(RAM_BASE, cfg.ram_size))?;
    fdt.end_node(memory)?;

    let cpus = fdt.begin_node("cpus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 0)?;
    fdt.property_u32("timebase-frequency", cfg.timebase_hz as u32)?;
    for h in 0..harts {
        let cpu = fdt.begin_node(&format!("cpu@{h}"))?;
        fdt.property_string("device_type", "cpu")?;
        fdt.property_u32("reg", h)?;
        fdt.property_string("status", "okay")?;
        fdt.property_string("compatible", "riscv")?;
        fdt.property_string("riscv,isa", RISCV_ISA)?;
        fdt.property_string("riscv,isa-base", "rv64i")?;
        fdt.property_string_list("riscv,isa-extensions", strings(&ISA_EXTENSIONS))?;
        fdt.property_string("mmu-type", "riscv,sv48")?;
        let ic = fdt.begin_node("interrupt-controller")?;
        fdt.property_u32("#address-cells", 0)?;
        fdt.property_u32("#interrupt-cells", 1)?;
        fdt.property_null("interrupt-controller")?;
        fdt.property_string("compatible", "riscv,cpu-intc")?;
        fdt.property_phandle(intc(h))?;
        fdt.end_node(ic)?;
        fdt.end_node(cpu)?;
    }
    fdt.end_node(cpus)?;

    let soc = fdt.begin_node("soc")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string("compatible", "simple-bus")?;
    fdt.property_null("ranges")?;

    let clint = fdt.begin_node(&format!("clint@{CLINT_BASE:x}"))?;
    fdt.property_string_list("compatible", strings(&["sifive,clint0", "riscv,clint0"]))?;
    fdt.property_array_u64("reg", &reg(CLINT_BASE, CLINT_SIZE))?;
    let clint_irqs: Vec<u32> = (0..harts)
        .flat_map(|h| [intc(h), IRQ_M_SOFT, intc(h), IRQ_M_TIMER])
        .collect();
    fdt.property_array_u32("interrupts-extended", &clint_irqs)?;
    fdt.end_node(clint)?;

    let plic = fdt.begin_node(&format!("plic@{PLIC_BASE:x}"))?;
    fdt.property_string_list("compatible", strings(&["sifive,plic-1.0.0", "riscv,plic0"]))?;
    fdt.property_u32("#address-cells", 0)?;
    fdt.property_u32("#interrupt-cells", 1)?;
    fdt.property_null("interrupt-controller")?;
    fdt.property_array_u64("reg", &reg(PLIC_BASE, plic_size(cfg.harts * 2)))?;
    fdt.property_u32("riscv,ndev", PLIC_SOURCES - 1)?;
    let plic_irqs: Vec<u32> = (0..harts)
        .flat_map(|h| [intc(h), IRQ_M_EXT, intc(h), IRQ_S_EXT])
        .collect();
    fdt.property_array_u32("interrupts-extended", &plic_irqs)?;
    fdt.property_phandle(plic_phandle)?;
    fdt.end_node(plic)?;

    let serial = fdt.begin_node(&format!("serial@{UART_BASE:x}"))?;
    fdt.property_string("compatible", "ns16550a")?;
    fdt.property_array_u64("reg", &reg(UART_BASE, UART_SIZE))?;
    fdt.property_u32("interrupts", UART_IRQ)?;
    fdt.property_u32("interrupt-parent", plic_phandle)?;
    fdt.property_u32("clock-frequency", UART_CLOCK_HZ)?;
    fdt.end_node(serial)?;

    let test = fdt.begin_node(&format!("test@{FINISHER_BASE:x}"))?;
    fdt.property_string_list(
        "compatible",
        strings(&["sifive,test1", "sifive,test0", "syscon"]),
    )?;
    fdt.property_array_u64("reg", &reg(FINISHER_BASE, FINISHER_SIZE))?;
    fdt.property_phandle(test_phandle)?;
    fdt.end_node(test)?;

    let uintc = fdt.begin_node(&format!("uintc@{UINTC_BASE:x}"))?;
    fdt.property_string("compatible", "riscv,uintc0")?;
    fdt.property_array_u64("reg", &reg(UINTC_BASE, UINTC_SIZE))?;
    fdt.end_node(uintc)?;

    let simctl = fdt.begin_node(&format!("simctl@{SIMCTL_BASE:x}"))?;
    fdt.property_string("compatible", "asyncsim,sim-control")?;
    fdt.property_array_u64("reg", &reg(SIMCTL_BASE, SIMCTL_SIZE))?;
    fdt.end_node(simctl)?;

    fdt.end_node(soc)?;

    // Linux powers off / reboots through these syscon nodes, at the root as on virt.
    for (name, compatible, value) in [
        ("poweroff", "syscon-poweroff", 0x5555),
        ("reboot", "syscon-reboot", 0x7777),
    ] {
        let node = fdt.begin_node(name)?;
        fdt.property_string("compatible", compatible)?;
        fdt.property_u32("regmap", test_phandle)?;
        fdt.property_u32("offset", 0)?;
        fdt.property_u32("value", value)?;
        fdt.end_node(node)?;
    }

    fdt.end_node(root)?;
    Ok(fdt.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Minimal FDT reader for the tests: node path -> property -> value.
    fn parse(blob: &[u8]) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
        let be = |off: usize| u32::from_be_bytes(blob[off..off + 4].try_into().unwrap());
        assert_eq!(be(0), 0xd00d_feed, "magic");
        assert_eq!(be(4) as usize, blob.len(), "totalsize");
        let (structs, strs) = (be(8) as usize, be(12) as usize);
        assert!(be(20) >= 16, "version");
        let cstr = |off: usize| {
            let end = off + blob[off..].iter().position(|&b| b == 0).unwrap();
            String::from_utf8(blob[off..end].to_vec()).unwrap()
        };
        let mut nodes = BTreeMap::new();
        let mut path: Vec<String> = Vec::new();
        let mut pos = structs;
        loop {
            let token = be(pos);
            pos += 4;
            match token {
                1 => {
                    let name = cstr(pos);
                    pos += (name.len() + 1).div_ceil(4) * 4;
                    path.push(name);
                    nodes.insert(path.join("/"), BTreeMap::new());
                }
                2 => {
                    path.pop().unwrap();
                }
                3 => {
                    let (len, nameoff) = (be(pos) as usize, be(pos + 4) as usize);
                    let value = blob[pos + 8..pos + 8 + len].to_vec();
                    pos += 8 + len.div_ceil(4) * 4;
                    nodes
                        .get_mut(&path.join("/"))
                        .unwrap()
                        .insert(cstr(strs + nameoff), value);
                }
                4 => {}
                9 => break,
                t => panic!("bad token {t}"),
            }
        }
        assert!(path.is_empty());
        nodes
    }

    fn s(v: &str) -> Vec<u8> {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        b
    }

    fn cells(v: &[u32]) -> Vec<u8> {
        v.iter().flat_map(|c| c.to_be_bytes()).collect()
    }

    #[test]
    fn virt_like_tree() {
        let cfg = PlatformConfig {
            harts: 2,
            ram_size: 256 << 20,
            bootargs: "console=ttyS0".into(),
            ..PlatformConfig::default()
        };
        let blob = build_fdt(&cfg).unwrap();
        let t = parse(&blob);
        let node = |p: &str| t.get(p).unwrap_or_else(|| panic!("missing {p}"));
        assert_eq!(node("/chosen")["bootargs"], s("console=ttyS0"));
        assert_eq!(node("/chosen")["stdout-path"], s("/soc/serial@10000000"));
        assert_eq!(
            node("/memory@80000000")["reg"],
            cells(&[0, 0x8000_0000, 0, 0x1000_0000])
        );
        assert_eq!(node("/cpus")["timebase-frequency"], cells(&[10_000_000]));
        for h in 0..2u32 {
            let cpu = node(&format!("/cpus/cpu@{h}"));
            assert_eq!(cpu["reg"], cells(&[h]));
            assert_eq!(cpu["riscv,isa"], s("rv64imafdcn_zicsr_zifencei"));
            assert_eq!(cpu["mmu-type"], s("riscv,sv48"));
            assert_eq!(cpu["status"], s("okay"));
            let ic = node(&format!("/cpus/cpu@{h}/interrupt-controller"));
            assert_eq!(ic["#interrupt-cells"], cells(&[1]));
            assert_eq!(ic["compatible"], s("riscv,cpu-intc"));
            assert_eq!(ic["phandle"], cells(&[h + 1]));
            assert!(ic.contains_key("interrupt-controller"));
        }
        assert_eq!(node("/soc")["compatible"], s("simple-bus"));
        let clint = node("/soc/clint@2000000");
        assert_eq!(
            clint["compatible"],
            [s("sifive,clint0"), s("riscv,clint0")].concat()
        );
        assert_eq!(
            clint["interrupts-extended"],
            cells(&[1, 3, 1, 7, 2, 3, 2, 7])
        );
        let plic = node("/soc/plic@c000000");
        assert_eq!(
            plic["compatible"],
            [s("sifive,plic-1.0.0"), s("riscv,plic0")].concat()
        );
        assert_eq!(plic["riscv,ndev"], cells(&[95]));
        assert_eq!(
            plic["interrupts-extended"],
            cells(&[1, 11, 1, 9, 2, 11, 2, 9])
        );
        assert_eq!(plic["reg"], cells(&[0, 0xc00_0000, 0, 0x20_4000]));
        let serial = node("/soc/serial@10000000");
        assert_eq!(serial["compatible"], s("ns16550a"));
        assert_eq!(serial["interrupts"], cells(&[10]));
        assert_eq!(serial["interrupt-parent"], plic["phandle"]);
        assert!(serial.contains_key("clock-frequency"));
        let test = node("/soc/test@100000");
        assert_eq!(
            test["compatible"],
            [s("sifive,test1"), s("sifive,test0"), s("syscon")].concat()
        );
        assert_eq!(node("/poweroff")["value"], cells(&[0x5555]));
        assert_eq!(node("/reboot")["regmap"], test["phandle"]);
        assert_eq!(node("/soc/uintc@2f10000")["compatible"], s("riscv,uintc0"));
        assert_eq!(
            node("/soc/uintc@2f10000")["reg"],
            cells(&[0, 0x2f1_0000, 0, 0x4000])
        );
        assert_eq!(
            node("/soc/simctl@10200000")["compatible"],
            s("asyncsim,sim-control")
        );
    }

    #[test]
    fn invalid_config_is_an_error() {
        let cfg = PlatformConfig {
            harts: 0,
            ..PlatformConfig::default()
        };
        assert!(matches!(
            build_fdt(&cfg),
            Err(DtbError::Config(PlatformError::NoHarts))
        ));
    }
}
