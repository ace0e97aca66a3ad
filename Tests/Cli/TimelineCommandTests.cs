using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

/// <summary>`simulate --timeline` and `plan --refine` as a user runs them.</summary>
public class TimelineCommandTests
{
    [Theory]
    [MemberData(nameof(SimulateCommandTests.BundledScenarios), MemberType = typeof(SimulateCommandTests))]
    public void Should_Simulate_Every_Bundled_Scenario_With_The_Timeline_In_The_Json_Contract(string scenario, string layout)
    {
        var outcome = Cli.Run("simulate", Cli.Scenario(scenario), "--layout", layout, "--timeline", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var root = json.RootElement;
        var time = root.GetProperty("time");
        double sum = time.EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal(root.GetProperty("stepTimeSeconds").GetDouble(), sum, 6);
        var timeline = root.GetProperty("timeline");
        Assert.Equal(root.GetProperty("stepTimeSeconds").GetDouble(), timeline.GetProperty("stepTimeSeconds").GetDouble(), 9);
        Assert.InRange(timeline.GetProperty("bubbleFraction").GetDouble(), 0, 1);
        Assert.InRange(timeline.GetProperty("stepTimeSeconds").GetDouble() / timeline.GetProperty("closedFormStepTimeSeconds").GetDouble(), 0.85, 1.15);
    }

    [Fact]
    public void Should_Write_Timeline_Json_And_Gantt_Chart_With_Out()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-timeline-").FullName, "step");
        var outcome = Cli.Run("simulate", Cli.Scenario("gpt3-175b-1024-a100.json"), "--layout", "dp=16,tp=8,pp=8,vp=2,schedule=interleaved,sp=on",
            "--timeline", "--straggler", "130=1.2", "--out", folder);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("event-driven timeline", outcome.StdOut);
        foreach (var file in new[] { "timeline.json", "gantt.png", "gantt.svg" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 0, $"{file} missing or empty");
            Assert.Contains(Path.Combine(folder, file), outcome.StdErr);
        }
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, "gantt.png")).Take(4));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, "gantt.svg")));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "timeline.json")));
        var root = json.RootElement;
        Assert.Equal(8 * 16, root.GetProperty("groups").GetArrayLength());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "forward");
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "gradientReduce");
        Assert.All(events, e => Assert.True(e.GetProperty("end").GetDouble() >= e.GetProperty("start").GetDouble()));
        // Device 130 is in stage 1, replica 0 (devices 128–135): that group carries the slowdown.
        var slowed = root.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("slowdown").GetDouble() > 1);
        Assert.Equal(128, slowed.GetProperty("firstDevice").GetInt32());
        // Events are kept for the slowed replica and one nominal replica, which stands for all the others.
        Assert.Equal([0, 1], root.GetProperty("eventsOfReplicas").EnumerateArray().Select(r => r.GetInt32()));
        Assert.All(events, e => Assert.InRange(e.GetProperty("group").GetInt32() % 16, 0, 1));
        Assert.NotEmpty(root.GetProperty("criticalPath").EnumerateArray());
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Should_Rerank_The_Best_K_With_Refine()
    {
        var outcome = Cli.Run("plan", Cli.Scenario("gpt2-small-8-l4.json"), "--top", "5", "--refine", "3", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var ranked = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(5, ranked.Count);
        Assert.Equal(["timeline", "timeline", "timeline", "closed-form", "closed-form"], ranked.Select(r => r.GetProperty("engine").GetString()));
        Assert.All(ranked.Take(3), r => Assert.True(r.TryGetProperty("timeline", out _)));
        Assert.All(ranked.Skip(3), r => Assert.False(r.TryGetProperty("timeline", out _)));
    }

    [Theory]
    [InlineData("--straggler", "2000=1.2", "device 2000 does not exist")]
    [InlineData("--straggler", "3=0.5", "between 1 and 100")]
    [InlineData("--straggler", "three=1.2", "DEVICE=FACTOR")]
    [InlineData("--slow-node", "200=1.1", "node 200 does not exist")]
    [InlineData("--bucket-mb", "0", "positive")]
    public void Should_Reject_Bad_Timeline_Options_In_One_Line_And_Write_Nothing(string option, string value, string hint)
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-timeline-").FullName, "step");
        var outcome = Cli.Run("simulate", Cli.Scenario("gpt3-175b-1024-a100.json"), "--layout", "dp=16,tp=8,pp=8", "--timeline", option, value, "--out", folder);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        string line = Assert.Single(outcome.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option}: ", line);
        Assert.Contains(hint, line);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "nothing may be written");
    }

    [Theory]
    [InlineData("simulate", "--straggler", "add --timeline")]
    [InlineData("plan", "--refine", "between 1 and --top")]
    public void Should_Reject_Options_That_Need_Another_In_One_Line(string command, string option, string hint)
    {
        string[] args = command == "simulate"
            ? ["simulate", Cli.Scenario("gpt2-small-8-l4.json"), "--layout", "dp=8", option, "1=1.2"]
            : ["plan", Cli.Scenario("gpt2-small-8-l4.json"), "--top", "3", option, "4"];
        var outcome = Cli.Run(args);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith("error: ", outcome.StdErr);
        Assert.Contains(hint, outcome.StdErr);
    }
}
