using System.Globalization;
using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Distributed;

/// <summary>Runs `execute` on a tiny GPT as a user would (it starts mpirun itself) and reads back the per-step losses.</summary>
public static class DistributedRuns
{
    public const int Steps = 20;

    /// <summary>One model, and one cluster entry with 1, 2 or 4 single-device nodes so each layout finds its device count.</summary>
    public const string Tiny = """
        { "model": { "layers": 2, "hidden": 64, "heads": 4, "vocab": 256, "sequenceLength": 32, "tiedEmbeddings": true, "biases": true },
          "clusters": [ { "accelerator": "cpu", "nodes": [1, 2, 4], "devicesPerNode": 1 } ],
          "training": { "globalBatchSize": 8, "tokens": 1e6, "flashAttention": false } }
        """;

    /// <summary>The tiny GPT with four layers (and a three-node option), for stages that hold different numbers of layers.</summary>
    public static readonly string FourLayers = Tiny.Replace("\"layers\": 2", "\"layers\": 4", StringComparison.Ordinal)
        .Replace("[1, 2, 4]", "[1, 2, 3, 4]", StringComparison.Ordinal);

    public static (double[] Losses, string StdErr, string StdOut) Execute(string layout, int steps, params string[] options) =>
        ExecuteScenario(Tiny, layout, steps, options);

    public static (double[] Losses, string StdErr, string StdOut) ExecuteScenario(string scenario, string layout, int steps, params string[] options) =>
        ExecuteScenarioWith(new Dictionary<string, string?>(), scenario, layout, steps, options);

    /// <summary>As <see cref="ExecuteScenario"/>, with environment variables set for the command.</summary>
    public static (double[] Losses, string StdErr, string StdOut) ExecuteScenarioWith(IReadOnlyDictionary<string, string?> environment, string scenario, string layout, int steps, params string[] options)
    {
        var (rows, stderr, stdout) = StepRows(environment, scenario, layout, steps, options);
        return (Column(rows, 1), stderr, stdout);
    }

    /// <summary>As <see cref="ExecuteScenario"/>, with each step's global gradient norm (before clipping) beside its loss.</summary>
    public static (double[] Losses, double[] GradientNorms, string StdOut) ExecuteWithNorms(string scenario, string layout, int steps, params string[] options)
    {
        var (rows, _, stdout) = StepRows(new Dictionary<string, string?>(), scenario, layout, steps, options);
        return (Column(rows, 1), Column(rows, 8), stdout);   // steps.csv: step,loss,…,optimizer_s,grad_norm,…
    }

    private static (string[][] Rows, string StdErr, string StdOut) StepRows(IReadOnlyDictionary<string, string?> environment, string scenario, string layout, int steps, string[] options)
    {
        Assert.True(MpiLauncher.Available, "Open MPI is missing: run tools/install-prerequisites.sh (the README's test command does) to get mpirun and libmpi.so.40");
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-dist-").FullName, "run");
        var outcome = Cli.Cli.RunWith(environment, ["execute", Cli.Cli.TempScenario(scenario), "--layout", layout, "--steps", $"{steps}", "--out", folder, .. options]);
        Assert.True(outcome.ExitCode == 0, $"{layout}: {outcome.StdErr}");
        return ([.. File.ReadAllLines(Path.Combine(folder, "steps.csv")).Skip(1).Select(row => row.Split(','))], outcome.StdErr, outcome.StdOut);
    }

    private static double[] Column(string[][] rows, int column) => [.. rows.Select(row => double.Parse(row[column], CultureInfo.InvariantCulture))];

    /// <summary>
    /// 1e-5 relative over 20 fp32 steps: splitting the batch over ranks and micro-batches only reorders fp32 sums (a few units
    /// in the last place, ~1e-7, per gradient element); Adam's normalised steps keep that from growing past ~1e-6 in the loss
    /// here. A wrong row, a dropped micro-batch or a gradient counted twice moves the loss by > 1e-3 by step 2.
    /// </summary>
    public const double Fp32Tolerance = 1e-5;

    public static void AssertFollows(double[] reference, double[] distributed, string layout, double tolerance = Fp32Tolerance)
    {
        Assert.Equal(reference.Length, distributed.Length);
        for (int s = 0; s < reference.Length; s++)
        {
            double relative = Math.Abs(distributed[s] - reference[s]) / reference[s];
            Assert.True(relative < tolerance, $"{layout}: step {s + 1} loss {distributed[s]:R} vs one process {reference[s]:R} (relative {relative:E2}, allowed {tolerance:E2})");
        }
    }
}
