using System.Globalization;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>
/// Watches the machine while calibration measures (<see cref="MachineState"/>): /proc/loadavg at the start and the end, the CPU
/// time of all processes from /proc/stat against this process's own and its waited-for children's from /proc/self/stat
/// (proc(5)) to get the other processes' share, the steal column through <see cref="MachineLoad"/>, and the clock of every core
/// from /proc/cpuinfo ("cpu MHz") once a second. On a system without /proc it reports nothing.
/// </summary>
public sealed class MachineMonitor : IDisposable
{
    /// <summary>
    /// Other processes using more than a quarter of the cores (half a core on two) mark the run busy: the issue's busy runs had
    /// whole cores taken, and our own side-by-side ranks are allowed for separately. A rule of thumb, not a measured threshold.
    /// </summary>
    public const double OtherCoresLimit = 0.25;

    private const int SampleMilliseconds = 1000;

    private readonly int expectedOtherRanks;
    private readonly double loadStart;
    private readonly MachineLoad.Counters? counters = MachineLoad.Read();
    private readonly long busyStart = BusyJiffies();
    private readonly long? ownStart = OwnJiffies();
    private readonly List<double> clock = [];
    private readonly Timer timer;

    /// <param name="expectedOtherRanks">Processes of this calibration on the same machine (side-by-side ranks): their CPU time is expected.</param>
    public MachineMonitor(int expectedOtherRanks = 0)
    {
        this.expectedOtherRanks = expectedOtherRanks;
        loadStart = LoadAverage() ?? double.NaN;
        timer = new Timer(_ => Sample(), null, 0, SampleMilliseconds);
    }

    /// <summary>The state from construction until now; null without /proc.</summary>
    public MachineState? Stop()
    {
        timer.Dispose();
        if (MachineLoad.Since(counters) is not { } load || counters is not { } before || MachineLoad.Read() is not { } after
            || ownStart is not { } ownBefore || OwnJiffies() is not { } ownAfter || double.IsNaN(loadStart)) return null;
        // Jiffies count per core in /proc/stat's total; other processes' share = (all busy − our own) / (elapsed per core).
        long elapsedPerCore = (after.Total - before.Total) / Math.Max(1, load.Cores);
        double others = elapsedPerCore > 0 ? Math.Max(0, (double)(BusyJiffies() - busyStart - (ownAfter - ownBefore)) / elapsedPerCore) : 0;
        double allowed = expectedOtherRanks + OtherCoresLimit * load.Cores;
        var reasons = new List<string>();
        if (loadStart > load.Cores) reasons.Add($"load average {loadStart.ToString("F1", CultureInfo.InvariantCulture)} above {load.Cores} cores before it started");
        if (others > allowed) reasons.Add($"other processes used {others.ToString("F2", CultureInfo.InvariantCulture)} cores");
        if (load.StealFraction > MachineLoad.StealLimit) reasons.Add($"{load.StealFraction:P0} CPU steal");
        List<double> mhz;
        lock (clock) mhz = [.. clock];
        return new MachineState(load.Cores, loadStart, load.LoadAverage, others, load.StealFraction * 100,
            mhz.Count > 0 ? mhz.Min() : null, mhz.Count > 0 ? mhz.Average() : null, mhz.Count > 0 ? mhz.Max() : null,
            reasons.Count > 0, reasons.Count > 0 ? string.Join(", ", reasons) : null);
    }

    public void Dispose() => timer.Dispose();

    private void Sample()
    {
        if (CpuMHz() is { } mhz) lock (clock) clock.Add(mhz);
    }

    /// <summary>The mean "cpu MHz" of the cores now, or null where /proc/cpuinfo has none (some virtual machines, ARM).</summary>
    private static double? CpuMHz()
    {
        try
        {
            var values = File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))
                .Select(l => double.Parse(l.Split(':', 2)[1], CultureInfo.InvariantCulture)).ToList();
            return values.Count > 0 ? values.Average() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Busy jiffies of all cores (/proc/stat "cpu": user nice system irq softirq: neither idle, iowait nor steal); 0 without /proc.</summary>
    private static long BusyJiffies()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return f[0] + f[1] + f[2] + f[5] + f[6];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>This process's CPU time in jiffies: utime + stime + cutime + cstime (fields 14–17 of /proc/self/stat, proc(5)).</summary>
    private static long? OwnJiffies()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // after "pid (comm) ": fields[0] is field 3
            return Enumerable.Range(14, 4).Sum(field => long.Parse(fields[field - 3], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
