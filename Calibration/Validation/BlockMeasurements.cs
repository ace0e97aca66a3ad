using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Validation;

/// <summary>
/// Times block cases together in interleaved rounds (<see cref="Microrun.TimeInRounds"/>), so the blocks a fit uses and the
/// blocks held out from it are measured the same way, and compares them with the cost model's predictions.
/// </summary>
public static class BlockMeasurements
{
    /// <summary>The held-out cases of each size: its attention core and its whole block in fp32, and the whole block in bf16 when asked.</summary>
    public static IReadOnlyList<BlockCase> HeldOut(IEnumerable<BlockSize> sizes, bool bf16) =>
        [.. sizes.SelectMany(size => bf16
            ? new[] { BlockCase.Attention(size), BlockCase.Block(size), BlockCase.Block(size, Precision.Bf16) }
            : [BlockCase.Attention(size), BlockCase.Block(size)])];

    public static IReadOnlyList<(BlockCase Case, TimingStats Time)> Measure(IReadOnlyList<BlockCase> cases, Device device, Microrun microrun)
    {
        var runs = new List<BlockRun>();
        try
        {
            runs.AddRange(cases.Select(c => c.Build(device)));
            var times = microrun.TimeInRounds([.. runs.Select(r => r.Step)]);
            return [.. cases.Zip(times)];
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
    }

    /// <summary>Each measured case against the profile's prediction, one progress line each.</summary>
    public static List<ValidationPoint> Validate(DeviceProfile profile, IEnumerable<(BlockCase Case, TimingStats Time)> measured, Action<string> progress)
    {
        var points = new List<ValidationPoint>();
        foreach (var (block, time) in measured)
        {
            double predicted = block.Predicted(profile);
            progress($"{block.Name}: predicted {predicted * 1e3:F1} ms, measured {time.Estimate * 1e3:F1} ms");
            points.Add(new ValidationPoint(block.Name, predicted, time.Estimate));
        }
        return points;
    }
}
