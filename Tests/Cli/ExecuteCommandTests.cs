using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

public class ExecuteCommandTests
{
    private const string Tiny = """
        { "model": { "layers": 2, "hidden": 64, "heads": 4, "vocab": 256, "sequenceLength": 32, "tiedEmbeddings": true, "biases": true },
          "cluster": { "accelerator": "cpu", "nodes": 1, "devicesPerNode": 1 },
          "training": { "globalBatchSize": 8, "tokens": 1e6, "flashAttention": false } }
        """;

    [Fact]
    public void Should_Train_Report_Predicted_Against_Measured_And_Write_Steps()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-exec-").FullName, "run");
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", "--steps", "5", "--out", folder);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("step time (median after warm-up)", outcome.StdOut);
        Assert.Contains("step 5/5: loss", outcome.StdErr);
        var rows = File.ReadAllLines(Path.Combine(folder, "steps.csv"));
        Assert.StartsWith("step,loss,tokens_per_s,step_s,", rows[0]);
        Assert.Equal(6, rows.Length);
    }

    [Fact]
    public void Should_Print_Predicted_Measured_And_Error_Of_Each_Figure_And_Every_Loss_As_Json()
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", "--steps", "4", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var root = json.RootElement;
        foreach (string figure in new[] { "stepTimeSeconds", "computeSeconds", "optimizerSeconds", "tokensPerSecond", "peakMemoryBytes", "mfu" })
        {
            double predicted = root.GetProperty(figure).GetProperty("predicted").GetDouble(), measured = root.GetProperty(figure).GetProperty("measured").GetDouble();
            Assert.True(predicted > 0 && measured > 0, $"{figure}: predicted {predicted}, measured {measured}");
            Assert.Equal((predicted - measured) / measured * 100, root.GetProperty(figure).GetProperty("errorPercent").GetDouble(), 6);
        }
        var losses = root.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(4, losses.Length);
        Assert.InRange(losses[0], Math.Log(256) - 0.5, Math.Log(256) + 0.5);   // an initialised model guesses about uniformly over the vocabulary
    }

    [Fact]
    public void Should_Run_The_Planners_Best_Layout_The_Executor_Can_Run_With_Best()
    {
        string scenario = Cli.TempScenario(Tiny);
        var outcome = Cli.Run("execute", scenario, "--best", "--steps", "3", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string chosen = outcome.StdErr.Split('\n').Single(l => l.StartsWith("best runnable layout: ")).Substring("best runnable layout: ".Length).Trim();
        using var json = JsonDocument.Parse(outcome.StdOut);
        Assert.Equal(chosen, json.RootElement.GetProperty("layout").GetString());
        Assert.StartsWith("dp=1,tp=1,pp=1,", chosen);   // the scenario has one device
        var both = Cli.Run("execute", scenario, "--best", "--layout", "dp=1,mb=4,precision=fp32");
        Assert.Equal(2, both.ExitCode);
        Assert.StartsWith("error: --layout: give exactly one of --layout", both.StdErr.Trim());
    }

    [Theory]
    [InlineData("dp=1,mb=4,precision=fp8", "error: layout.precision: fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU")]
    [InlineData("dp=2,mb=4,precision=fp32,zero=2", "error: layout.zero: ZeRO-2 in the executor is not built yet")]
    [InlineData("dp=2,mb=4,precision=fp32,recompute=full", "error: layout.recompute: recomputation across processes is not built")]
    public void Should_Say_What_Is_Not_Built_In_One_Line(string layout, string message)
    {
        string scenario = Tiny.Replace("\"devicesPerNode\": 1", layout.StartsWith("dp=2") ? "\"devicesPerNode\": 2" : "\"devicesPerNode\": 1");
        var outcome = Cli.Run("execute", Cli.TempScenario(scenario), "--layout", layout);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
    }

    [Fact]
    public void Should_Checkpoint_Then_Resume_Where_The_Run_Stopped()
    {
        string scenario = Cli.TempScenario(Tiny), folder = Directory.CreateTempSubdirectory("scaleplan-ckpt-").FullName;
        var first = Cli.Run("execute", scenario, "--layout", "dp=1,mb=4,precision=fp16,recompute=full", "--steps", "6", "--checkpoint-dir", folder, "--checkpoint-every", "2");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Equal(["step-00000002.ckpt", "step-00000004.ckpt", "step-00000006.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        File.Delete(Path.Combine(folder, "step-00000006.ckpt"));   // as if the run had died before its last checkpoint
        var second = Cli.Run("execute", scenario, "--layout", "dp=1,mb=4,precision=fp16,recompute=full", "--steps", "6", "--checkpoint-dir", folder, "--resume");
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("resuming at step 5 from sample 32 of the data stream", second.StdErr);
        Assert.DoesNotContain("step 4/6", second.StdErr);
        Assert.Contains("step 6/6: loss", second.StdErr);
    }

    [Theory]
    [InlineData("--resume", "error: --resume: needs --checkpoint-dir")]
    [InlineData("--on-spike=rollback", "error: --on-spike: rollback needs checkpoints to roll back to")]
    public void Should_Refuse_Checkpoint_Options_That_Cannot_Work(string option, string message)
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", option);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
    }
}
