using System.Text.Json;
using System.Xml.Linq;
using Runner = ScalePlanner.Tests.Cli.Cli;

namespace ScalePlanner.Tests.Reports;

/// <summary>Each command's `--out DIR` writes report.html, run.json, its CSV files and its plots, and prints every path; `report DIR` rebuilds the page.</summary>
public class OutFolderTests
{
    private static string Folder(string name) => Path.Combine(Directory.CreateTempSubdirectory($"scaleplan-{name}-").FullName, name);

    private static void AssertReport(Runner.Outcome outcome, string folder, params string[] files)
    {
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        foreach (var file in files.Concat(["report.html", "run.json"]))
        {
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 0, $"{file} missing");
            Assert.Contains($"wrote {Path.Combine(folder, file)}", outcome.StdErr);
        }
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Equal("html", XDocument.Parse(html).Root!.Name.LocalName);
        Assert.Empty(HtmlOutline.ExternalReferences(html));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Plan_Writes_The_Report_And_Report_Dir_Rebuilds_It()
    {
        string folder = Folder("plan");
        var outcome = Runner.Run("plan", Runner.Scenario("gpt2-small-8-l4.json"), "--top", "3", "--out", folder);
        AssertReport(outcome, folder, "plan.csv", "plan.json", "pareto.png", "pareto.svg", "time-breakdown.png", "time-breakdown.svg",
            "memory.png", "memory.svg", "scaling.csv", "scaling-throughput.svg", "scaling-efficiency.png");
        string original = File.ReadAllText(Path.Combine(folder, "report.html"));
        File.Delete(Path.Combine(folder, "report.html"));
        var rebuilt = Runner.Run("report", folder);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.StdErr);
        Assert.Equal(original, File.ReadAllText(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void Simulate_Writes_The_Report_With_And_Without_The_Timeline()
    {
        string closedForm = Folder("simulate"), timeline = Folder("timeline");
        string[] args = ["simulate", Runner.Scenario("gpt2-small-8-l4.json"), "--layout", "dp=4,pp=2"];
        AssertReport(Runner.Run([.. args, "--out", closedForm]), closedForm, "simulation.json", "summary.csv", "breakdown.csv", "time-breakdown.svg", "memory.png");
        Assert.False(File.Exists(Path.Combine(closedForm, "gantt.svg")));
        AssertReport(Runner.Run([.. args, "--timeline", "--out", timeline]), timeline, "timeline.json", "gantt.png", "gantt.svg");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(timeline, "simulation.json")));
        Assert.True(json.RootElement.TryGetProperty("timeline", out _));
    }

    [Fact]
    public void Fit_Writes_Runs_That_Fit_Reads_Back()
    {
        string folder = Folder("fit");
        AssertReport(Runner.Run("fit", Runner.Scenario("synthetic-chinchilla-runs.csv"), "--budget", "1e22", "--bootstrap", "10", "--out", folder), folder,
            "fit.json", "parameters.csv", "runs.csv", "recommendation.csv", "observed-vs-fitted.svg", "frontier.png", "isoflop.svg", "residuals.png");
        Assert.Equal(46, File.ReadAllLines(Path.Combine(folder, "runs.csv")).Length); // header + the 45 runs
        var again = Runner.Run("fit", Path.Combine(folder, "runs.csv"), "--bootstrap", "10", "--format", "json");
        Assert.True(again.ExitCode == 0, again.StdErr);
    }

    [Fact]
    public void Execute_Writes_Predicted_Against_Measured_With_The_Torch_Versions()
    {
        string folder = Folder("execute");
        string scenario = Runner.TempScenario("""
            { "model": { "layers": 1, "hidden": 32, "heads": 2, "vocab": 64, "sequenceLength": 16, "tiedEmbeddings": true },
              "cluster": { "accelerator": "cpu", "nodes": 1, "devicesPerNode": 1 },
              "training": { "globalBatchSize": 4, "tokens": 1e5, "flashAttention": false } }
            """);
        AssertReport(Runner.Run("execute", scenario, "--layout", "dp=1,mb=2,precision=fp32", "--steps", "3", "--out", folder), folder,
            "steps.csv", "comparison.csv", "step-time.svg", "step-time.png", "loss.svg");
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        Assert.StartsWith("0.", run.RootElement.GetProperty("context").GetProperty("versions").GetProperty("torchSharp").GetString());
        Assert.StartsWith("figure,predicted,measured,error_percent", File.ReadAllLines(Path.Combine(folder, "comparison.csv"))[0]);
    }

    [Fact]
    public void Report_Refuses_A_Folder_Without_Run_Json_In_One_Line()
    {
        var outcome = Runner.Run("report", Directory.CreateTempSubdirectory("scaleplan-none-").FullName);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Matches(@"^error: DIR: '[^']+' has no run\.json; give a folder written by --out\s*$", outcome.StdErr);
    }
}
