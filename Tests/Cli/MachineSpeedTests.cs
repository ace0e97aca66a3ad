using System.Text.Json;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Tests.Calibration;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Cli;

/// <summary>`execute` with a calibrated profile times the profile's reference block stack again and reports the machine's drift.</summary>
public class MachineSpeedTests
{
    private const string Reference = "4 blocks h=256 s=256 b=4";

    /// <summary>The test record of ProfileFileTests with one thread and the reference stack recorded at <paramref name="seconds"/>.</summary>
    private static CalibrationRecord RecordWith(double seconds, string blockName = Reference, string device = "cpu") => ProfileFileTests.Record with
    {
        Device = ProfileFileTests.Record.Device with { Device = device, TorchThreads = 1 },
        Blocks = [new BlockTiming("block h=384 s=256 b=4", new TimingStats(9, 9, 9, 3)), new BlockTiming(blockName, new TimingStats(seconds, seconds, seconds, 7))],
    };

    [Fact]
    public void Execute_Reports_The_Reference_Then_And_Now_In_Json_And_Text()
    {
        string profile = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-speed-").FullName, "profile.json");
        File.WriteAllText(profile, ProfileFile.Serialize(ProfileFileTests.Calibrated, RecordWith(0.1)));
        string scenario = Cli.TempScenario(ExecuteCommandTests.Tiny);
        string[] run = ["execute", scenario, "--layout", "dp=1,mb=4,precision=fp32", "--steps", "3", "--profile", profile];

        var json = Cli.Run([.. run, "--format", "json"]);
        Assert.True(json.ExitCode == 0, json.StdErr);
        var speed = JsonDocument.Parse(json.StdOut).RootElement.GetProperty("machineSpeed");
        Assert.Equal(Reference, speed.GetProperty("reference").GetString());   // the fitted stack, not the held-out block listed first
        Assert.Equal(1, speed.GetProperty("threads").GetInt32());
        Assert.Equal(0.1, speed.GetProperty("calibratedSeconds").GetDouble());
        double now = speed.GetProperty("nowSeconds").GetDouble();
        Assert.InRange(now, 0.001, 30);
        Assert.Equal(now / 0.1, speed.GetProperty("slowdown").GetDouble(), 9);

        var text = Cli.Run(run);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains($"machine speed: the profile's reference ({Reference}, 1 thread) took 100.0 ms when calibrated", text.StdOut);
    }

    [Fact]
    public void Execute_Without_A_Calibrated_Profile_Reports_No_Machine_Speed()
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(ExecuteCommandTests.Tiny), "--layout", "dp=1,mb=4,precision=fp32", "--steps", "3", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.False(JsonDocument.Parse(outcome.StdOut).RootElement.TryGetProperty("machineSpeed", out _));
    }

    [Fact]
    public void Measure_Needs_A_Cpu_Record_With_A_Fitted_Stack_And_Keeps_The_Thread_Count()
    {
        Assert.Null(MachineSpeed.Measure(ProfileFileTests.Record));                        // no blocks recorded
        Assert.Null(MachineSpeed.Measure(RecordWith(0.1, blockName: "block h=768 s=512 b=2")));   // only held-out blocks
        Assert.Null(MachineSpeed.Measure(RecordWith(0.1, device: "cuda")));
        int threads = get_num_threads();
        var speed = MachineSpeed.Measure(RecordWith(0.2))!;
        Assert.Equal(threads, get_num_threads());
        Assert.Equal(Reference, speed.Reference);
        Assert.Equal(speed.NowSeconds / 0.2, speed.Slowdown, 12);
    }

    [Theory]
    [InlineData(0.12, "runs 20 % slower than when calibrated")]
    [InlineData(0.09, "runs 10 % faster than when calibrated")]
    public void The_Line_Says_Which_Way_The_Machine_Drifted(double now, string expected) =>
        Assert.Contains(expected, ExecutionReport.Describe(new MachineSpeed(Reference, 2, 0.1, now)));

    [Fact]
    public void The_Record_Is_Read_Back_From_A_Profile_File_And_Its_Absence_Is_Null()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-record-").FullName;
        string calibrated = Path.Combine(folder, "calibrated.json"), plain = Path.Combine(folder, "plain.json"), broken = Path.Combine(folder, "broken.json");
        File.WriteAllText(calibrated, ProfileFile.Serialize(ProfileFileTests.Calibrated, RecordWith(0.25)));
        File.WriteAllText(plain, DeviceProfileJson.Serialize(ProfileFileTests.Calibrated));
        File.WriteAllText(broken, ProfileFile.Serialize(ProfileFileTests.Calibrated, RecordWith(0.25)).Replace("\"blocks\"", "\"blocks\": 3, \"x\""));
        var record = ProfileFile.ReadRecord(calibrated)!;
        Assert.Equal(Reference, record.Blocks![1].Name);
        Assert.Equal(0.25, record.Blocks[1].Time.Median);
        Assert.Equal(1, record.Device.TorchThreads);
        Assert.Null(ProfileFile.ReadRecord(plain));
        Assert.Null(ProfileFile.ReadRecord(broken));
    }
}
