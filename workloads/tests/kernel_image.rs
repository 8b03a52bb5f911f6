//! The guest kernel image keeps the embedded user programs last: a user
//! program that changes size must move no kernel code or data, whose
//! addresses decide cache conflicts and so the timing results (the CI
//! gate compares them exactly).

use elf::endian::LittleEndian;
use elf::ElfBytes;

/// SHF_ALLOC: the section occupies memory at run time.
const ALLOC: u64 = 0x2;

#[test]
fn user_programs_lie_after_all_kernel_code_and_data() {
    let image = workloads::kernel();
    let file = ElfBytes::<LittleEndian>::minimal_parse(image).expect("kernel ELF parses");
    let (headers, names) = file.section_headers_with_strtab().expect("section headers");
    let (headers, names) = (headers.expect("headers"), names.expect("names"));
    let mut user_programs = None;
    let mut kernel_end = 0;
    for h in headers
        .iter()
        .filter(|h| h.sh_flags & ALLOC != 0 && h.sh_size != 0)
    {
        let name = names.get(h.sh_name as usize).expect("section name");
        if name == ".user_programs" {
            user_programs = Some(h);
        } else {
            kernel_end = kernel_end.max(h.sh_addr + h.sh_size);
        }
    }
    let user_programs = user_programs.expect("a .user_programs section");
    // The images are in it (together megabytes), not just a table.
    assert!(user_programs.sh_size > 64 * 1024, "{user_programs:?}");
    assert!(
        user_programs.sh_addr >= kernel_end,
        "user programs at {:#x}, kernel up to {kernel_end:#x}",
        user_programs.sh_addr
    );
}
