namespace ScalePlanner.Executor.Training;

/// <summary>
/// The process's resident memory on Linux, the CPU stand-in for an accelerator's allocator statistics: VmHWM in /proc/self/status
/// is the peak resident set since the last reset, and writing "5" to /proc/self/clear_refs resets it (proc(5), Linux ≥ 4.0).
/// </summary>
public static class ProcessMemory
{
    private const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";

    /// <summary>True where the kernel offers both files (Linux); elsewhere the figures below are 0.</summary>
    public static bool Available { get; } = File.Exists(Status) && File.Exists(ClearRefs);

    /// <summary>Starts a new peak at the current resident size.</summary>
    public static void ResetPeak()
    {
        if (Available) File.WriteAllText(ClearRefs, "5");
    }

    /// <summary>Peak resident bytes since the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes() => Field("VmHWM:");

    /// <summary>Resident bytes now.</summary>
    public static long ResidentBytes() => Field("VmRSS:");

    private static long Field(string name)
    {
        if (!Available) return 0;
        foreach (var line in File.ReadLines(Status))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var parts = line[name.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);   // "\t  123456 kB"
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }
}
