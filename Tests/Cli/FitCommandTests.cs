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
        Assert.Equal("error: RUNS.csv row 4: loss must be a positive number, got '-1'", outcome.StdErr.Trim());
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
}
