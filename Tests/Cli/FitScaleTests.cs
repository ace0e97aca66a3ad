using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

/// <summary>
/// `fit` on a million runs with a bootstrap (issue 19: 900,000 rows ran for minutes with no word of progress): it says how it
/// will fit before the work, needs seconds of CPU (measured about 11 s for ten refits, 13 s for a hundred), and still recovers
/// the law the runs came from.
/// </summary>
public class FitScaleTests
{
    private const int Runs = 1_000_000;

    /// <summary>Hoffmann et al. (2022)'s fitted law, L = E + A/N^α + B/D^β, with 1 % log-normal noise, at random sizes 1e7-1e10 and tokens 1e9-1e12.</summary>
    private const double E = 1.69, A = 406.4, B = 410.7, Alpha = 0.34, Beta = 0.28;

    private static string MillionRuns()
    {
        var random = new Random(19);
        var csv = new StringBuilder("params,tokens,loss\n", Runs * 33);
        for (int i = 0; i < Runs; i++)
        {
            double n = Math.Pow(10, 7 + 3 * random.NextDouble()), d = Math.Pow(10, 9 + 3 * random.NextDouble());
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double loss = (E + A / Math.Pow(n, Alpha) + B / Math.Pow(d, Beta)) * Math.Exp(0.01 * gaussian);
            csv.Append(CultureInfo.InvariantCulture, $"{n:G6},{d:G6},{loss:F6}\n");
        }
        string path = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-million-").FullName, "runs.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public void Should_Fit_A_Million_Runs_With_A_Bootstrap_In_Seconds_And_Say_How()
    {
        string path = MillionRuns();
        var outcome = Cli.RunTimed(TimeSpan.FromMinutes(5), "fit", path, "--bootstrap", "100", "--format", "json");   // the wall clock stretches on shared cores
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.StartsWith("fitting 1,000,000 runs: starting points from 2,000 of them, refined on all; 100 bootstrap refits", outcome.StdErr);
        string[] cpu = outcome.StdErr.Split('\n').Single(l => l.StartsWith("cpu ", StringComparison.Ordinal)).Split(' ');
        double seconds = double.Parse(cpu[1], CultureInfo.InvariantCulture) + double.Parse(cpu[2], CultureInfo.InvariantCulture);
        Assert.True(seconds < 45, $"{seconds:F0} CPU seconds");
        using var json = JsonDocument.Parse(outcome.StdOut);
        double Value(string name) => json.RootElement.GetProperty(name).GetProperty("value").GetDouble();
        Assert.Equal(Alpha, Value("alpha"), 0.01);
        Assert.Equal(Beta, Value("beta"), 0.01);
        Assert.Equal(E, Value("E"), 0.01);
        Assert.Equal(Runs, json.RootElement.GetProperty("runs").GetInt32());
    }
}
