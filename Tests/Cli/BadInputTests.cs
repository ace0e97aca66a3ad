namespace ScalePlanner.Tests.Cli;

/// <summary>Bad input: one line on stderr naming the field and what is allowed, exit code 2, nothing on stdout.</summary>
public class BadInputTests
{
    private const string Good = """
        { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "a100-sxm-80gb", "nodes": 1 },
          "training": { "globalBatchSize": 64, "tokens": 1e9 } }
        """;

    internal static void AssertRejected(Cli.Outcome outcome, string field, string allowedHint)
    {
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        string line = Assert.Single(outcome.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(field, line);
        Assert.Contains(allowedHint, line);
        Assert.DoesNotContain("   at ", outcome.StdErr);
    }

    private static Cli.Outcome Simulate(string scenarioJson, string layout) =>
        Cli.Run("simulate", Cli.TempScenario(scenarioJson), "--layout", layout);

    [Fact]
    public void Should_Reject_Unknown_Preset() =>
        AssertRejected(Simulate(Good.Replace("gpt2-small", "gpt5"), "dp=8"), "model.preset", "llama3-70b");

    [Fact]
    public void Should_Reject_Unknown_Accelerator() =>
        AssertRejected(Simulate(Good.Replace("a100-sxm-80gb", "v100"), "dp=8"), "cluster.accelerator", "h100-sxm");

    [Fact]
    public void Should_Reject_Non_Positive_Size() =>
        AssertRejected(Simulate(Good.Replace("\"preset\": \"gpt2-small\"", "\"preset\": \"gpt2-small\", \"layers\": 0"), "dp=8"), "model.layers", "an integer from 1 to 10,000");

    [Fact]
    public void Should_Reject_Non_Integer_Size() =>
        AssertRejected(Simulate(Good.Replace("\"preset\": \"gpt2-small\"", "\"preset\": \"gpt2-small\", \"hidden\": 767.5"), "dp=8"), "model.hidden", "integer");

    [Fact]
    public void Should_Reject_Heads_Not_Divisible_By_Tp() =>
        AssertRejected(Simulate(Good, "dp=1,tp=8"), "model.heads", "tp=8");

    [Fact]
    public void Should_Reject_Layers_Not_Divisible_By_Pipeline_Stages() =>
        AssertRejected(Simulate(Good, "dp=1,pp=8"), "model.layers", "pp·vp");

    [Fact]
    public void Should_Reject_Global_Batch_Not_Divisible_By_Dp_Times_Micro_Batch() =>
        AssertRejected(Simulate(Good, "dp=8,mb=3"), "training.globalBatchSize", "dp·mb");

    [Fact]
    public void Should_Reject_Device_Count_Other_Than_Dp_Tp_Pp_Cp() =>
        AssertRejected(Simulate(Good, "dp=4"), "layout", "matches no cluster of the scenario; its clusters have 8 devices");

    [Fact]
    public void Should_Reject_Malformed_Json() =>
        AssertRejected(Simulate(Good.Replace("\"tokens\": 1e9", "\"tokens\": "), "dp=8"), "scenario", "not valid JSON");

    [Fact]
    public void Should_Reject_Unknown_Scenario_Key() =>
        AssertRejected(Simulate(Good.Replace("\"nodes\"", "\"nodez\""), "dp=8"), "cluster.nodez", "devicesPerNode");

    [Fact]
    public void Should_Reject_Missing_Required_Field() =>
        AssertRejected(Simulate(Good.Replace(", \"tokens\": 1e9", ""), "dp=8"), "training.tokens", "required");

    [Fact]
    public void Should_Reject_Unknown_Layout_Value() =>
        AssertRejected(Simulate(Good, "dp=8,precision=fp64"), "layout.precision", "bf16");

    [Fact]
    public void Should_Reject_Missing_Scenario_File() =>
        AssertRejected(Cli.Run("simulate", "/nonexistent/scenario.json", "--layout", "dp=8"), "scenario", "does not exist");

    [Fact]
    public void Should_Reject_Unknown_Format() =>
        AssertRejected(Cli.Run("simulate", Cli.Scenario("gpt2-small-8-l4.json"), "--layout", "dp=8", "--format", "xml"), "xml", "json");

    [Fact]
    public void Should_Reject_Unknown_Framework() =>
        AssertRejected(Simulate(Good.Replace("\"tokens\": 1e9", "\"tokens\": 1e9, \"framework\": \"jax\""), "dp=8"), "training.framework", "megatron fsdp deepspeed");

    [Fact]
    public void Should_Reject_An_Attention_Kernel_That_Contradicts_Flash_Attention() =>
        AssertRejected(Simulate(Good.Replace("\"tokens\": 1e9", "\"tokens\": 1e9, \"flashAttention\": false, \"attentionKernel\": \"flash3\""), "dp=8"), "training.attentionKernel", "flashAttention=false");

    [Fact]
    public void Should_Reject_Uneven_Stages_That_Do_Not_Add_Up() =>
        AssertRejected(Simulate(Good, "dp=2,pp=4,firstStageLayers=4"), "layout.firstStageLayers", "must split evenly over the other 3 stages");

    [Fact]
    public void Should_Reject_A_Stack_That_Cannot_Run_The_Layout() =>
        AssertRejected(Simulate(Good.Replace("\"tokens\": 1e9", "\"tokens\": 1e9, \"framework\": \"fsdp\""), "dp=8,zero=1"), "layout.zero", "allowed with training.framework=fsdp");
}
