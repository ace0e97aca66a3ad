using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// What `simulate --profile` adds for a calibrated profile: the step time priced with every interval's slow end and with every
/// fast end (<see cref="ProfileIntervals.Corners"/>, closed form), and a warning when the profile was measured on a busy machine.
/// </summary>
public static class ProfileBandLines
{
    public static IEnumerable<string> For(TrainingJob job, Layout layout, DeviceProfile? profile)
    {
        if (profile?.Machine is { Busy: true } machine)
            yield return $"warning: this profile was calibrated on a busy machine ({machine.Reason}); its figures may be slow";
        if (profile?.Intervals is not { } intervals) yield break;
        var (slow, fast) = intervals.Corners(profile);
        double low = CostModel.Evaluate(job, layout, fast).StepTimeSeconds, high = CostModel.Evaluate(job, layout, slow).StepTimeSeconds;
        yield return $"step time with the profile's {intervals.Level:P0} intervals (every figure at its fast end, then its slow end): {Units.Seconds(low)} – {Units.Seconds(high)}";
    }
}
