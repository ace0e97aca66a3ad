using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

/// <summary>
/// `calibrate --check` on a synthetic machine: the check's block sizes "run" as the cost model predicts them with this machine's
/// true profile, with a few per cent of noise on every repetition; a fresh profile must pass and one from another machine class fail.
/// </summary>
public class ProfileCheckTests
{
    private static readonly DeviceProfile ThisMachine = ProfileFileTests.Calibrated with
    {
        PeakTflops = [new PeakOverride(Precision.Fp32, 0.12), new PeakOverride(Precision.Bf16, 0.3)],
        MemoryTBps = 0.04,
        SustainedClockFraction = 0.85,
    };

    /// <summary>Each check case timed seven times at its true time × (1 ± 4 %), deterministic.</summary>
    private static List<(BlockCase Case, TimingStats Time)> Measured(DeviceProfile truth) =>
        [.. ProfileCheck.Cases().Select((c, i) => (c, Statistics.Summarise([.. Enumerable.Range(0, 7).Select(r => c.Predicted(truth) * (1 + 0.04 * Math.Sin(3.1 * i + 1.3 * r)))])))];

    [Fact]
    public void Should_Pass_A_Profile_That_Describes_The_Machine()
    {
        var result = ProfileCheck.Judge(ThisMachine, Measured(ThisMachine), _ => { });
        Assert.True(result.Passed, result.Verdict());
        Assert.Equal(ProfileCheck.Cases().Count, result.Cases.Count);
        Assert.StartsWith("check passed", result.Verdict());
    }

    [Fact]
    public void Should_Fail_A_Profile_Made_On_A_Machine_With_Half_The_Peaks()
    {
        var otherClass = ThisMachine with { PeakTflops = [.. ThisMachine.PeakTflops!.Select(p => p with { Tflops = p.Tflops / 2 })] };
        var result = ProfileCheck.Judge(otherClass, Measured(ThisMachine), _ => { });
        Assert.False(result.Passed);
        Assert.Contains(result.Cases, c => !c.Passed && !c.Point.Name.StartsWith("attention", StringComparison.Ordinal) && c.Point.ErrorPercent > ProfileCheck.BlockTolerancePercent);
        Assert.StartsWith("check failed", result.Verdict());
        Assert.DoesNotContain('\n', result.Verdict());
    }

    [Fact]
    public void Should_Fail_A_Profile_From_A_Faster_Machine()
    {
        var faster = ThisMachine with { PeakTflops = [.. ThisMachine.PeakTflops!.Select(p => p with { Tflops = p.Tflops * 2 })], MemoryTBps = 0.08 };
        var result = ProfileCheck.Judge(faster, Measured(ThisMachine), _ => { });
        Assert.False(result.Passed);
        Assert.All(result.Cases.Where(c => !c.Passed), c => Assert.True(c.Point.ErrorPercent < 0));
    }

    [Fact]
    public void Should_Allow_Attention_Cores_More_Than_Whole_Blocks()
    {
        Assert.True(ProfileCheck.AttentionTolerancePercent > ProfileCheck.BlockTolerancePercent);
        var measured = Measured(ThisMachine);
        var attention = measured.FindIndex(m => m.Case.AttentionOnly);
        // An attention core 20 % slower than predicted passes; a whole block 20 % slower does not.
        var slowAttention = measured.Select((m, i) => i == attention ? (m.Case, Scaled(m.Time, 1 / 0.8)) : m).ToList();
        Assert.True(ProfileCheck.Judge(ThisMachine, slowAttention, _ => { }).Passed);
        var block = measured.FindIndex(m => !m.Case.AttentionOnly);
        var slowBlock = measured.Select((m, i) => i == block ? (m.Case, Scaled(m.Time, 1 / 0.8)) : m).ToList();
        Assert.False(ProfileCheck.Judge(ThisMachine, slowBlock, _ => { }).Passed);
    }

    private static TimingStats Scaled(TimingStats time, double factor) => Statistics.Summarise([.. time.Seconds!.Select(s => s * factor)]);
}
