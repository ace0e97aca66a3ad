using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Program = ScalePlanner.Tests.Cli.Cli;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>
/// A smaller share of the fuzz cases through the real program (one process each, about a second apiece on two cores), to prove
/// the exit codes, the one `error:` line on stderr with nothing on stdout, and an --out folder that a refusal never creates.
/// </summary>
public class CliFuzzTests
{
    public const int ScenarioCases = 12, LayoutCases = 10, RunsCases = 10, ExecuteCases = 8;

    /// <summary>A GPT small enough to train three steps in a second or two, on one or two CPU processes.</summary>
    public const string TinyScenario = """
        { "model": { "layers": 2, "hidden": 64, "heads": 4, "vocab": 256, "sequenceLength": 32, "tiedEmbeddings": true, "biases": true },
          "cluster": { "accelerator": "cpu", "nodes": [1, 2], "devicesPerNode": 1 },
          "training": { "globalBatchSize": 8, "tokens": 1e6, "flashAttention": false } }
        """;

    [Property(MaxTest = ScenarioCases, QuietOnSuccess = true)]
    public Property Plan_Exits_0_With_Finite_Figures_Or_2_With_One_Line() => Prop.ForAll(ScenarioFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string output = folders.NewPath();
        var outcome = Program.Run("plan", folders.Write("scenario.json", Encoding.UTF8.GetBytes(c.Json)), "--top", "3", "--format", "json", "--out", output);
        Judge(outcome, folders, c, output, InProcessFuzzTests.SimulationFigures);
    });

    [Property(MaxTest = LayoutCases, QuietOnSuccess = true)]
    public Property Simulate_Exits_0_With_Finite_Figures_Or_2_With_One_Line() => Prop.ForAll(LayoutFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string output = folders.NewPath();
        var outcome = Program.Run("simulate", folders.Write("scenario.json", Encoding.UTF8.GetBytes(ScenarioFuzz.Bases[c.Base])), "--layout", c.Layout, "--format", "json", "--out", output);
        Judge(outcome, folders, c, output, InProcessFuzzTests.SimulationFigures);
    });

    [Property(MaxTest = RunsCases, QuietOnSuccess = true)]
    public Property Fit_Exits_0_With_Finite_Figures_Or_2_With_One_Line() => Prop.ForAll(RunsCsvFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string output = folders.NewPath();
        var outcome = Program.Run("fit", folders.Write("runs.csv", c.Bytes), "--bootstrap", "10", "--budget", "1e22", "--format", "json", "--out", output);
        Judge(outcome, folders, c, output, "value", "parameters", "tokens");
    });

    [Property(MaxTest = ExecuteCases, QuietOnSuccess = true)]
    public Property Execute_Exits_0_Or_2_With_One_Line_Before_Training() => Prop.ForAll(ExecuteOptionFuzz.OneProcess.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string[] options = [.. c.Options.Select(folders.Real)];
        if (!options.Contains("--steps")) options = [.. options, "--steps", "3"];   // a short run when the options are accepted
        var outcome = Program.Run(["execute", folders.Write("tiny.json", Encoding.UTF8.GetBytes(TinyScenario)), .. options]);
        Assert.True(outcome.ExitCode is 0 or 2, $"exit {outcome.ExitCode} for {c}: {outcome.StdErr}");
        if (outcome.ExitCode == 2)
        {
            Refused(outcome, c);
            Assert.DoesNotContain("step 1/", outcome.StdErr);   // refused before any training
            folders.Untouched(c);
        }
        folders.NoTemporaryFiles(c);
    });

    /// <summary>Exit 0 with finite figures on stdout and a complete --out folder, or exit 2 with one line and no folder.</summary>
    private static void Judge(Program.Outcome outcome, FuzzFolders folders, object c, string output, params string[] positive)
    {
        Assert.True(outcome.ExitCode is 0 or 2, $"exit {outcome.ExitCode} for {c}: {outcome.StdErr}");
        if (outcome.ExitCode == 2)
        {
            Refused(outcome, c);
            folders.Untouched(c);
            return;
        }
        FuzzAssert.FiniteJson(outcome.StdOut, c, positive);
        Assert.True(File.Exists(Path.Combine(output, "report.html")), $"no report.html in {output} for {c}");
        folders.NoTemporaryFiles(c);
    }

    private static void Refused(Program.Outcome outcome, object c)
    {
        Assert.True(outcome.StdOut.Length == 0, $"stdout not empty on a refusal for {c}: {outcome.StdOut}");
        string line = Assert.Single(outcome.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        FuzzAssert.OneLine(line, c);
    }
}
