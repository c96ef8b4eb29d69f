//! The process's allocator settings, made once at start.
//!
//! glibc's malloc raises its mmap threshold each time a large mmapped block is freed (up to 32 MB on
//! 64-bit), after which large blocks come from the heap, where freed room often stays part of the
//! process. Which blocks a build frees first depends on how its threads interleave, so the same
//! build peaked anywhere between 137 and 172 MB (10,000 pages, docs/incremental.md). A fixed
//! threshold (glibc's default, 128 KiB, which also turns the adjustment off) keeps large blocks
//! mmapped and gives them back when freed: the peak is the same from run to run, and lower.

/// Applies the settings (glibc on Linux only; elsewhere the allocator's defaults stay).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
        // SAFETY: `mallopt` only sets a malloc parameter; it is called at the start of `main`, before
        // any other thread exists, with a parameter and a value glibc documents.
        #[allow(unsafe_code)]
        let _ = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
    }
}

/// Gives the free room of every malloc arena back to the system (glibc on Linux only), after a phase
/// of a large build has freed much of what it held: the room freed page by page sits between records
/// that live to the end, in whichever thread's arena the page was processed, and would otherwise stay
/// part of the process while the next phase takes new room.
pub fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `malloc_trim` only returns free memory of malloc's arenas to the system; it takes the
        // arenas' locks itself and may be called from any thread at any time.
        #[allow(unsafe_code)]
        let _ = unsafe { libc::malloc_trim(0) };
    }
}
