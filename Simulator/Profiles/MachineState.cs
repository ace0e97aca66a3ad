using System.Globalization;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// How busy the machine was while a profile was measured: the 1-minute load average when the measurement started and at its
/// end, the cores' worth of CPU time other processes used meanwhile, the share the hypervisor stole, and the clock frequency
/// sampled during the run (null where the system does not report them). <see cref="Busy"/> marks a profile whose timings
/// carry other work; <see cref="Reason"/> says why.
/// </summary>
public sealed record MachineState(
    int Cores, double LoadAverageStart, double LoadAverageEnd, double OtherProcessesCores, double StealPercent,
    double? CpuMHzMin, double? CpuMHzMean, double? CpuMHzMax, bool Busy, string? Reason = null)
{
    /// <summary>One line for the terminal: the figures, and the verdict on what was measured while <paramref name="activity"/>.</summary>
    public string Summary(string activity = "calibrating", string consequence = "the profile is marked busy; calibrate again on a quiet machine")
    {
        string clock = CpuMHzMean is { } mean ? $", clock {Number(CpuMHzMin!.Value, "F0")}–{Number(CpuMHzMax!.Value, "F0")} MHz (mean {Number(mean, "F0")})" : "";
        string figures = $"load average {Number(LoadAverageStart, "F1")} at the start and {Number(LoadAverageEnd, "F1")} at the end on {Cores} cores, "
            + $"other processes used {Number(OtherProcessesCores, "F2")} cores, CPU steal {Number(StealPercent, "F1")} %{clock}";
        return Busy
            ? $"warning: the machine was busy while {activity} ({Reason}): {consequence} ({figures})"
            : $"machine: quiet ({figures})";
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
