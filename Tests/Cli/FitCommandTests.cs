using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

public class FitCommandTests
{
    [Fact]
    public void Should_Print_Each_Chinchilla_Parameter_With_Value_StdErr_And_Interval()
    {
        var outcome = Cli.Run("fit", Cli.Scenario("synthetic-chinchilla-runs.csv"), "--budget", "5.76e23", "--bootstrap", "50", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        foreach (var name in new[] { "E", "A", "B", "alpha", "beta" })
        {
            var p = json.RootElement.GetProperty(name);
            var ci = p.GetProperty("ci95").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(2, ci.Length);
            Assert.InRange(p.GetProperty("value").GetDouble(), ci[0], ci[1]);
            Assert.True(p.GetProperty("stdErr").GetDouble() > 0);
        }
        Assert.True(json.RootElement.GetProperty("recommendation").GetProperty("parameters").GetDouble() > 1e9);
    }

    [Fact]
    public void Should_Reject_A_Bad_Row_With_Its_Number()
    {
        string dir = Directory.CreateTempSubdirectory("scaleplan-fit-").FullName;
        string path = Path.Combine(dir, "runs.csv");
        File.WriteAllLines(path, ["params,tokens,loss", "1e8,2e9,3.1", "2e8,4e9,2.9", "4e8,8e9,-1", "8e8,1.6e10,2.6", "1.6e9,3.2e10,2.5", "3.2e9,6.4e10,2.4"]);
        var outcome = Cli.Run("fit", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Equal("error: RUNS.csv row 4: loss must be a positive number written with a decimal point, got '-1'", outcome.StdErr.Trim());
    }

    [Fact]
    public void Should_Write_The_Fit_And_Its_Plots_With_Out()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-fit-").FullName, "fit");
        var outcome = Cli.Run("fit", Cli.Scenario("synthetic-chinchilla-runs.csv"), "--budget", "1e22", "--bootstrap", "20", "--out", folder);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        foreach (var file in new[] { "fit.json", "observed-vs-fitted.png", "frontier.png", "isoflop.svg", "residuals.png" })
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 0, $"{file} missing");
    }

    [Fact]
    public void Should_Price_A_Dollar_Budget_At_The_Scenarios_Best_Layout()
    {
        string Run(string dollars) => Cli.Run("fit", Cli.Scenario("synthetic-chinchilla-runs.csv"), "--budget-dollars", dollars, "--scenario", Cli.Scenario("gpt3-175b-1024-a100.json"), "--bootstrap", "10", "--format", "json").StdOut;
        using var small = JsonDocument.Parse(Run("1e5"));
        using var large = JsonDocument.Parse(Run("1e7"));
        double c1 = small.RootElement.GetProperty("recommendation").GetProperty("budgetFlops").GetDouble();
        double c2 = large.RootElement.GetProperty("recommendation").GetProperty("budgetFlops").GetDouble();
        Assert.Equal(100, c2 / c1, 6);   // FLOPs are proportional to dollars at one layout's throughput
        // $100k at the scenario's $2 per A100-hour buys 50,000 GPU-hours: at most 5.6e22 FLOPs at the 312 TFLOP/s peak, less by the MFU.
        Assert.InRange(c1, 0.3 * 5.616e22, 5.616e22);
    }

    [Fact]
    public void Should_Require_A_Scenario_For_A_Dollar_Budget()
    {
        var outcome = Cli.Run("fit", Cli.Scenario("synthetic-chinchilla-runs.csv"), "--budget-dollars", "1e5");
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: --scenario: is required with --budget-dollars", outcome.StdErr.Trim());
    }
}
