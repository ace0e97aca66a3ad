using System.Globalization;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// `execute` across processes, run for real: the command starts mpirun itself (oversubscribed where the ranks outnumber the
/// cores) and each run's loss curve is compared with the one-process run of the same global batch, seed and data order.
/// </summary>
public class DistributedExecutionTests
{
    private const int Steps = DistributedRuns.Steps;

    private static double[] Losses(string layout) => DistributedRuns.Execute(layout, Steps).Losses;

    private static readonly Lazy<double[]> OneProcess = new(() => Losses("dp=1,mb=2,precision=fp32"));

    [Theory]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=off")]
    [InlineData("pp=2,mb=2,precision=fp32")]
    [InlineData("pp=2,mb=1,precision=fp32,schedule=gpipe")]
    [InlineData("dp=2,pp=2,mb=1,precision=fp32,overlap=off,recompute=full")]
    [InlineData("tp=2,mb=2,precision=fp32")]
    [InlineData("tp=2,mb=2,precision=fp32,sp=on,recompute=selective")]
    [InlineData("dp=2,tp=2,mb=2,precision=fp32,sp=on")]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=off,zero=1")]
    [InlineData("dp=2,tp=2,mb=2,precision=fp32,overlap=off,zero=1")]
    [InlineData("dp=2,mb=2,precision=fp32,zero=2")]
    [InlineData("dp=2,mb=2,precision=fp32,zero=3")]
    [InlineData("cp=2,mb=2,precision=fp32")]
    [InlineData("cp=2,tp=2,mb=2,precision=fp32")]
    [InlineData("tp=2,pp=2,mb=2,precision=fp32")]
    public void Should_Follow_The_One_Process_Loss_Curve(string layout)
    {
        double[] distributed = Losses(layout);
        DistributedRuns.AssertFollows(OneProcess.Value, distributed, layout);
        Assert.True(distributed[^1] < distributed[0] - 0.1, $"{layout} did not learn: {distributed[0]:F3} → {distributed[^1]:F3}");
    }

    [Theory]
    [InlineData("adafactor", "dp=2,mb=2,precision=fp32,overlap=off,zero=1")]   // the planner's top layout for scenarios/tiny-gpt-cpu-mpi.json
    [InlineData("lamb", "dp=2,mb=2,precision=fp32,zero=3")]
    public void Should_Follow_The_One_Process_Curve_With_Whole_Tensor_Statistics_Summed_Over_ZeRO_Blocks(string optimizer, string layout) =>
        DistributedRuns.AssertFollows(Losses($"dp=1,mb=2,precision=fp32,optimizer={optimizer}"), Losses($"{layout},optimizer={optimizer}"), layout);

    [Theory]
    [InlineData("dp=2,mb=2,precision=fp32")]
    [InlineData("dp=2,pp=2,mb=1,precision=fp32")]
    [InlineData("dp=2,tp=2,mb=2,precision=fp32,sp=on")]   // sequence-parallel replicas are summed over tp after backward, then bucketed
    public void Should_Start_Gradient_Buckets_During_Backward_And_Still_Follow_The_One_Process_Curve(string layout)
    {
        // 0.05 MB buckets: the tiny GPT's blocks (~50,000 floats, 0.2 MB each) fill several, so some must start inside backward.
        var (losses, stderr, _) = DistributedRuns.Execute(layout, Steps, "--bucket-mb", "0.05");
        Assert.Equal(OneProcess.Value, losses, (a, b) => Math.Abs(a - b) / a < 1e-5);   // the tolerance of the equivalence test above
        var started = System.Text.RegularExpressions.Regex.Match(stderr, @"step 20/20: .*\((\d+) buckets started there on rank 0\)");
        Assert.True(started.Success && int.Parse(started.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, $"{layout}: no bucket started during backward: {stderr}");
    }

    [Fact]
    public void Should_Launch_The_Ranks_From_A_Hostfile_With_One_Thread_Each_On_Two_Cores()
    {
        string hostfile = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-hosts-").FullName, "hosts.txt");
        File.WriteAllText(hostfile, "localhost slots=4\n");
        // One machine with two devices: the scenario's cluster must say so, since the ranks are placed devicesPerNode to a machine.
        string oneNode = DistributedRuns.Tiny.Replace("\"nodes\": [1, 2, 4], \"devicesPerNode\": 1", "\"nodes\": [1], \"devicesPerNode\": 2", StringComparison.Ordinal);
        var (losses, stderr, _) = DistributedRuns.ExecuteScenario(oneNode, "dp=2,mb=2,precision=fp32,overlap=off", Steps, "--hostfile", hostfile);
        Assert.Equal(OneProcess.Value, losses, (a, b) => Math.Abs(a - b) / a < 1e-5);   // the tolerance of the equivalence test above
        int threads = Math.Max(1, Environment.ProcessorCount / 2);
        Assert.Contains($"2 ranks (tp=1, cp=1, dp=2, pp=1), {threads} LibTorch threads per rank", stderr);
    }

    private static long OptimizerElements(string layout)
    {
        var match = System.Text.RegularExpressions.Regex.Match(DistributedRuns.Execute(layout, 3).StdErr, @"optimizer state on rank 0: ([\d,]+) elements × 2 fp32 moments");
        Assert.True(match.Success, $"{layout}: no optimizer state line");
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static readonly Lazy<long> Replicated = new(() => OptimizerElements("dp=2,mb=2,precision=fp32,overlap=off"));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Should_Keep_Half_The_Optimizer_State_Per_Rank_With_ZeRO_Over_Two_Replicas(int zero) =>
        Assert.Equal((Replicated.Value + 1) / 2, OptimizerElements($"dp=2,mb=2,precision=fp32,overlap=off,zero={zero}"));   // ⌈N / dp⌉: the flat buffer is padded to dp equal blocks

    [Fact]
    public void Should_Report_The_Tensor_Parallel_All_Reduce_Time_Next_To_Its_Prediction()
    {
        string table = DistributedRuns.Execute("tp=2,mb=2,precision=fp32", 3).StdOut;
        Assert.Contains("step time by part (per rank)", table);
        var row = table.Split('\n').Single(line => line.Contains("tensor-parallel all-reduce"));
        var cells = row.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // 2 layers × (2 forward g + 2 backward f) all-reduces per micro-batch, and the vocabulary's, were timed, so the measured cell cannot read zero.
        Assert.NotEqual("0.00 ms", cells[2]);
        Assert.EndsWith("%", cells[3]);
        // Each collective's barrier is timed apart, so the wait for the other rank has a row of its own, which the cost model lacks.
        var wait = table.Split('\n').Single(line => line.Contains("waiting for the other tensor-parallel ranks")).Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("not modelled", wait[1]);
    }

    [Fact]
    public void Should_Name_The_Corrupted_Rank_And_Step_And_Stop_Before_Writing_Anything()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-sdc-").FullName, "run");
        var outcome = Cli.Cli.Run("execute", Cli.Cli.TempScenario(DistributedRuns.Tiny), "--layout", "dp=2,mb=2,precision=fp32,overlap=off", "--steps", "6",
            "--check-every", "1", "--corrupt-rank", "1", "--corrupt-step", "2", "--out", folder);
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("error: silent data corruption at step 3: the parameters of rank 1 differ from rank 0's", outcome.StdErr);
        Assert.Contains("error: the distributed run failed: mpirun exited with code", outcome.StdErr);
        Assert.DoesNotContain("step 4/6", outcome.StdErr);
        Assert.False(Directory.Exists(folder), "a failed run must not leave an output folder");
    }

    [Theory]
    [InlineData("dp=2,mb=2,precision=fp8", "error: layout.precision: fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU")]
    [InlineData("dp=2,mb=2,precision=fp32,zero=1,compress=powersgd:2", "error: layout.compress: PowerSGD compresses the data-parallel all-reduce")]
    [InlineData("cp=4,mb=2,precision=fp32", "error: layout.cp: context parallelism cuts model.sequenceLength=36 into 2·cp = 8 chunks, which must divide it")]
    public void Should_Refuse_What_Cannot_Run_Here_In_One_Line_Before_Launching(string layout, string message)
    {
        string scenario = DistributedRuns.Tiny.Replace("\"sequenceLength\": 32", "\"sequenceLength\": 36", StringComparison.Ordinal);   // 36 splits over cp = 4, not into 8 chunks
        var outcome = Cli.Cli.Run("execute", Cli.Cli.TempScenario(scenario), "--layout", layout);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
    }

    [Fact]
    public void Should_Refuse_A_Vocabulary_Tp_Does_Not_Divide_In_One_Line_Before_Launching()
    {
        string scenario = Cli.Cli.TempScenario(DistributedRuns.Tiny.Replace("\"vocab\": 256", "\"vocab\": 255", StringComparison.Ordinal));
        var outcome = Cli.Cli.Run("execute", scenario, "--layout", "tp=2,mb=2,precision=fp32");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Equal("error: layout.tp: the vocabulary-parallel output layer splits model.vocab=255 over tp=2, which must divide it", outcome.StdErr.Trim());
    }

    [Fact]
    public void Should_Reject_A_Missing_Profile_Before_Any_Rank_Trains()
    {
        var outcome = Cli.Cli.Run("execute", Cli.Cli.TempScenario(DistributedRuns.Tiny), "--layout", "tp=2,mb=2,precision=fp32", "--profile", "/nonexistent/profile.json");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        string error = Assert.Single(outcome.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", error);
        Assert.Contains("/nonexistent/profile.json", error);
    }
}
