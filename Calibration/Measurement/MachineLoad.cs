using System.Globalization;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>
/// How busy this machine was while something was timed: the 1-minute load average (/proc/loadavg) against the cores, and the
/// share of CPU time the hypervisor stole (the steal column of /proc/stat, proc(5)) between two readings. A load above the
/// core count or a steal above <see cref="StealLimit"/> means other work shared the cores, so measured times are not the device's.
/// On a system without /proc nothing is known and nothing is said.
/// </summary>
public sealed record MachineLoad(double LoadAverage, int Cores, double StealFraction)
{
    /// <summary>Above 5 % stolen time the timings carry the neighbours' work (a rule of thumb; steal is 0 on dedicated hardware).</summary>
    public const double StealLimit = 0.05;

    public bool Busy => LoadAverage > Cores || StealFraction > StealLimit;

    /// <summary>The warning a timing command prints when the machine was busy.</summary>
    public string Warning(string what) =>
        $"the machine was busy while {what} ran (load average {LoadAverage.ToString("F1", CultureInfo.InvariantCulture)} on {Cores} cores"
        + $", {StealFraction.ToString("P0", CultureInfo.InvariantCulture)} CPU steal): its timings are unreliable; run it again on a quiet machine";

    /// <summary>
    /// CPU time counters at one instant: total and stolen jiffies, and the machine's cores (its "cpuN" lines). Not
    /// Environment.ProcessorCount: that is this process's affinity, one core in a rank mpirun has bound to a core.
    /// </summary>
    public readonly record struct Counters(long Total, long Steal, int Cores);

    /// <summary>The counters now, or null without /proc/stat.</summary>
    public static Counters? Read()
    {
        try
        {
            var lines = File.ReadLines("/proc/stat").TakeWhile(l => l.StartsWith("cpu", StringComparison.Ordinal)).ToList();
            var fields = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already counted in user and nice.
            long total = fields.Take(8).Sum();
            return new Counters(total, fields.Length > 7 ? fields[7] : 0, Math.Max(1, lines.Count - 1));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The load since <paramref name="start"/>: the load average now, and the stolen share of the CPU time in between.</summary>
    public static MachineLoad? Since(Counters? start)
    {
        if (start is not { } before || Read() is not { } now) return null;
        try
        {
            double load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
            long total = now.Total - before.Total;
            return new MachineLoad(load, now.Cores, total > 0 ? (double)(now.Steal - before.Steal) / total : 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
