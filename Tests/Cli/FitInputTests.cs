namespace ScalePlanner.Tests.Cli;

/// <summary>
/// `fit` reads its runs CSV strictly and refuses a degenerate fit with the reason (issue 19): decimal commas were read as
/// other columns, extra fields accepted, a binary file echoed as column names, and flat or one-size data gave infinite or
/// negative exponents.
/// </summary>
public class FitInputTests
{
    /// <summary>Nine runs on a 3 × 3 grid of sizes and token counts, losses following a Chinchilla-like law.</summary>
    private static readonly string[] Grid =
    [
        "params,tokens,loss",
        "1e8,2e9,3.30", "2e8,2e9,3.18", "4e8,2e9,3.10",
        "1e8,4e9,3.16", "2e8,4e9,3.04", "4e8,4e9,2.95",
        "1e8,8e9,3.05", "2e8,8e9,2.93", "4e8,8e9,2.84",
    ];

    private static string Write(params string[] lines) => Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

    private static string Write(byte[] bytes)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-fitin-").FullName, "runs.csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static Cli.Outcome Fit(string path, params string[] options) => Cli.Run(["fit", path, .. options]);

    [Fact]
    public void Should_Fit_The_Unspoilt_Grid()
    {
        var outcome = Fit(Write(Grid), "--bootstrap", "10", "--format", "json");   // the refusals below come from one spoilt detail, not the data
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = System.Text.Json.JsonDocument.Parse(outcome.StdOut);
        foreach (string exponent in new[] { "alpha", "beta" })
            Assert.InRange(json.RootElement.GetProperty(exponent).GetProperty("value").GetDouble(), 0.1, 1.0);
    }

    [Theory]
    [InlineData(3, "4e8,2e9,3,10", "row 3: has 4 fields, the header 3 (params,tokens,loss); write numbers with a decimal point, not a comma")]
    [InlineData(5, "2e8,4e9,3.04,0.1", "row 5: has 4 fields, the header 3")]
    [InlineData(2, "1e8,2e9", "row 2: has 2 fields, the header 3")]
    [InlineData(4, "1e8,4e9,\"3,16\"", "row 4: loss must be a positive number written with a decimal point")]
    public void Should_Refuse_A_Row_With_A_Decimal_Comma_Or_Another_Field_Count(int row, string line, string message)
    {
        string[] lines = [.. Grid];
        lines[row - 1] = line;
        BadInputTests.AssertRejected(Fit(Write(lines)), $"error: RUNS.csv {message}", "");
    }

    [Fact]
    public void Should_Refuse_A_Binary_File_Without_Echoing_It()
    {
        var bytes = new byte[2048];
        new Random(19).NextBytes(bytes);
        var outcome = Fit(Write(bytes));
        BadInputTests.AssertRejected(outcome, "is not a text CSV (it holds binary bytes)", "give a CSV with columns params, tokens (or flops), loss");
        Assert.DoesNotContain('\uFFFD', outcome.StdErr);
        Assert.True(outcome.StdErr.All(c => c == '\n' || !char.IsControl(c)), outcome.StdErr);
    }

    [Fact]
    public void Should_Refuse_Runs_Of_One_Model_Size()
    {
        string[] oneSize = [Grid[0], .. Grid.Skip(1).Select(l => "1e8" + l[l.IndexOf(',')..])];
        var outcome = Fit(Write([.. oneSize.Distinct()]));
        BadInputTests.AssertRejected(outcome, "hold only 1 distinct params value(s)", "at least 3 distinct model sizes and 3 distinct token counts");
    }

    [Fact]
    public void Should_Refuse_A_Fit_Whose_Exponents_Are_Not_Finite_And_Positive()
    {
        string[] flat = [Grid[0], .. Grid.Skip(1).Select(l => l[..l.LastIndexOf(',')] + ",3.0")];   // loss independent of size and data
        var outcome = Fit(Write(flat));
        BadInputTests.AssertRejected(outcome, "the chinchilla law fitted to these runs is degenerate", "is not a finite positive number");
    }

    [Fact]
    public void Should_Refuse_Both_Budgets()
    {
        var outcome = Fit(Write(Grid), "--budget", "1e22", "--budget-dollars", "1e5", "--scenario", Cli.Scenario("gpt3-175b-1024-a100.json"));
        BadInputTests.AssertRejected(outcome, "error: --budget: give one budget", "--budget (FLOPs) or --budget-dollars (with --scenario), not both");
    }
}
