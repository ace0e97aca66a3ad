using System.Runtime.CompilerServices;
using ScalePlanner.Planner.Commands;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

public class ProfileIntervalsTests
{
    private static readonly DeviceProfile Calibrated = ProfileFileTests.Calibrated with
    {
        SustainedClockFraction = 0.8,
        IntraNodeLink = new LinkSpec(6, 3e-6),
        Intervals = new ProfileIntervals(0.9, 200, [new PeakInterval(Precision.Fp32, 0.18, 0.21)], new Interval(0.75, 0.86),
            new Interval(0.028, 0.031), new Interval(5.5, 6.4), new Interval(2.5e-6, 3.4e-6)),
        Machine = new MachineState(2, 0.3, 2.1, 0.05, 0, 2096, 2100, 2110, Busy: false),
    };

    private static string Fixture(string name, [CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);

    [Fact]
    public void Should_Load_A_Profile_Written_Before_Intervals_Were_Kept()
    {
        // A real `calibrate --quick` profile from before issue 20 (its calibration record left out): no intervals, no machine.
        var old = DeviceProfileJson.Load(Fixture("profile-before-intervals.json"));
        Assert.Null(old.Intervals);
        Assert.Null(old.Machine);
        Assert.NotEmpty(old.PeakTflops!);
        var job = Tests.Simulator.Jobs.Of("gpt2-small", "cpu", 1, 8, flash: false);
        Assert.Empty(ProfileBandLines.For(job, Layout.Parse("precision=fp32,mb=1,dp=1"), old));
    }

    [Fact]
    public void Should_Round_Trip_Intervals_And_Machine_State()
    {
        var back = DeviceProfileJson.Deserialize(DeviceProfileJson.Serialize(Calibrated), "test");
        Assert.Equal(Calibrated.Intervals!.SustainedClockFraction, back.Intervals!.SustainedClockFraction);
        Assert.Equal(Calibrated.Intervals.PeakTflops, back.Intervals.PeakTflops);
        Assert.Equal(Calibrated.Machine, back.Machine);
    }

    [Fact]
    public void Should_Refuse_An_Interval_Whose_Low_End_Is_Above_Its_High_End()
    {
        string json = DeviceProfileJson.Serialize(Calibrated with { Intervals = Calibrated.Intervals! with { SustainedClockFraction = new Interval(0.9, 0.7) } });
        var error = Assert.Throws<SpecException>(() => DeviceProfileJson.Deserialize(json, "test"));
        Assert.Contains("profile.intervals.sustainedClockFraction", error.Message);
    }

    [Fact]
    public void Should_Bracket_The_Step_Time_Between_The_Fast_And_Slow_Corners()
    {
        var job = Tests.Simulator.Jobs.Of("gpt2-small", "cpu", 1, 8, flash: false);
        job = job with { Cluster = job.Cluster with { DevicesPerNode = 1 } };
        var layout = Layout.Parse("precision=fp32,mb=1,dp=1");
        var (slow, fast) = Calibrated.Intervals!.Corners(Calibrated);
        double nominal = CostModel.Evaluate(job, layout, Calibrated).StepTimeSeconds;
        double low = CostModel.Evaluate(job, layout, fast).StepTimeSeconds, high = CostModel.Evaluate(job, layout, slow).StepTimeSeconds;
        Assert.InRange(nominal, low * (1 + 1e-6), high * (1 - 1e-6));
        Assert.Equal(0.18, slow.PeakTflops![0].Tflops);
        Assert.Equal(3.4e-6, slow.IntraNodeLink!.LatencySeconds);
        Assert.Equal(6.4, fast.IntraNodeLink!.GBps);
        Assert.Single(ProfileBandLines.For(job, layout, Calibrated));
    }

    [Fact]
    public void Should_Say_A_Busy_Run_In_One_Line_And_Warn_When_Its_Profile_Is_Used()
    {
        var busy = new MachineState(2, 4.2, 3.9, 1.4, 0, null, null, null, Busy: true, "other processes used 1.40 cores");
        Assert.StartsWith("warning: the machine was busy while calibrating (other processes used 1.40 cores)", busy.Summary());
        Assert.DoesNotContain('\n', busy.Summary());
        Assert.StartsWith("machine: quiet", Calibrated.Machine!.Summary());
        var job = Tests.Simulator.Jobs.Of("gpt2-small", "cpu", 1, 8, flash: false);
        var lines = ProfileBandLines.For(job, Layout.Parse("precision=fp32,mb=1,dp=1"), Calibrated with { Machine = busy }).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("busy machine", lines[0]);
    }
}
