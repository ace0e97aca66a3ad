using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Calibration.Torch;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Validation;

/// <summary>
/// `calibrate --check PROFILE`: re-measures the quick run's held-out sizes (each one's attention core and whole block in fp32,
/// in interleaved rounds as calibration measures them) and compares them with what the profile predicts. The profile still
/// describes this machine when every block is within <see cref="BlockTolerancePercent"/> and every attention core within
/// <see cref="AttentionTolerancePercent"/>.
/// </summary>
public static class ProfileCheck
{
    /// <summary>The issue's repeatability target for a held-out whole block (10 %) plus half again for a re-measurement on a machine in use.</summary>
    public const double BlockTolerancePercent = 15;

    /// <summary>The issue's target for an attention core alone (15 %) plus half again, as for blocks.</summary>
    public const double AttentionTolerancePercent = 22.5;

    /// <summary>Fewer rounds than calibration (5 against 7) keep the check under 20 s on two cores; one warm-up round.</summary>
    private const int Repetitions = 5;

    public sealed record Case(ValidationPoint Point, double AllowedPercent)
    {
        public bool Passed => Math.Abs(Point.ErrorPercent) <= AllowedPercent;
    }

    public sealed record Result(IReadOnlyList<Case> Cases, MachineState? Machine)
    {
        public bool Passed => Cases.All(c => c.Passed);

        /// <summary>The verdict in one line.</summary>
        public string Verdict() => Passed
            ? $"check passed: the profile still describes this machine ({Cases.Count} of {Cases.Count} held-out sizes within tolerance)"
            : $"check failed: the profile does not describe this machine ({string.Join("; ", Cases.Where(c => !c.Passed).Select(c => $"{c.Point.Name} {c.Point.ErrorPercent:+0.0;-0.0} %, allowed ±{c.AllowedPercent:0.#} %"))}); calibrate again";
    }

    public static IReadOnlyList<BlockCase> Cases() => BlockMeasurements.HeldOut(BlockTimings.Sizes(quick: true), bf16: false);

    public static Result Run(DeviceProfile profile, string device, Action<string> progress)
    {
        using var monitor = new MachineMonitor();
        var torchDevice = TorchRuntime.Device(device);
        var measured = BlockMeasurements.Measure(Cases(), torchDevice, new Microrun(torchDevice, warmups: 1, repetitions: Repetitions));
        return Judge(profile, measured, progress) with { Machine = monitor.Stop() };
    }

    /// <summary>Each measured case against the profile's prediction and its tolerance.</summary>
    public static Result Judge(DeviceProfile profile, IEnumerable<(BlockCase Case, TimingStats Time)> measured, Action<string> progress)
    {
        var list = measured.ToList();
        var points = BlockMeasurements.Validate(profile, list, progress);
        return new Result([.. points.Zip(list, (point, m) => new Case(point, m.Case.AttentionOnly ? AttentionTolerancePercent : BlockTolerancePercent))], null);
    }
}
