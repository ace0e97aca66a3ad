using System.Runtime.InteropServices;

namespace ScalePlanner.Mpi;

/// <summary>
/// Keeps the memory a process frees for its next use, as PyTorch's CUDA caching allocator keeps device memory between steps.
/// glibc's malloc otherwise hands large blocks back to the kernel (mmap'd blocks above a threshold that starts at 128 KiB, and
/// heap tops above the trim threshold), so every micro-batch page-faults its activations and logits in again: on this virtual
/// machine a one-process bf16 step made 185–305 thousand page faults and took 0.44–0.67 s, against 109–114 thousand and
/// 0.37–0.44 s with memory kept, and a two-rank bf16 step 1.15 s against 0.29–0.35 s (docs/journal.md, 2026-12-03). PyTorch's
/// CPU tuning guide recommends a caching malloc (jemalloc, TCMalloc) for the same reason. Left alone when the user tunes
/// malloc through the environment, and off glibc.
/// </summary>
public static partial class KeptMemory
{
    /// <summary>mallopt(3) parameters (glibc malloc.h).</summary>
    private const int TrimThreshold = -1, MmapThreshold = -3;

    /// <summary>glibc's largest mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX = 4 MiB × sizeof(long), mallopt(3)).</summary>
    public const int LargestMmapThreshold = 32 << 20;

    private static readonly string[] UserSettings = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"];

    /// <summary>Blocks up to 32 MiB come from the heap and no heap top is trimmed; call before LibTorch allocates. False when left alone.</summary>
    public static bool Keep()
    {
        if (!OperatingSystem.IsLinux() || UserSettings.Any(v => Environment.GetEnvironmentVariable(v) is not null)) return false;
        try
        {
            return Mallopt(MmapThreshold, LargestMmapThreshold) == 1 && Mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;   // a C library without mallopt
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
