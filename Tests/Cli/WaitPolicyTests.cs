namespace ScalePlanner.Tests.Cli;

/// <summary>
/// LibTorch's OpenMP threads sleep at barriers instead of spinning in every process `execute` starts, unless the user chose
/// otherwise. libgomp prints the settings it runs with when OMP_DISPLAY_ENV=VERBOSE; spinning is GOMP_SPINCOUNT = '300000',
/// passive waiting GOMP_SPINCOUNT = '0'.
/// </summary>
public class WaitPolicyTests
{
    private static readonly string Scenario = Cli.TempScenario(Distributed.DistributedRuns.Tiny);

    private static Cli.Outcome Execute(string layout, string? policy) =>
        Cli.RunWith(new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = policy, ["OMP_DISPLAY_ENV"] = "VERBOSE" },
            "execute", Scenario, "--layout", layout, "--steps", "3");

    [Theory]
    [InlineData("dp=1,mb=2,precision=fp32", 1)]
    [InlineData("dp=2,mb=2,precision=fp32", 2)]   // the launcher and both ranks: the ranks print libgomp's settings
    public void Should_Wait_Passively_In_Every_Process_When_The_User_Did_Not_Choose(string layout, int processes)
    {
        var outcome = Execute(layout, policy: null);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        int passive = outcome.StdErr.Split('\n').Count(line => line.Trim() == "GOMP_SPINCOUNT = '0'");
        Assert.True(passive >= processes, $"expected {processes} LibTorch process(es) with a spin count of 0: {outcome.StdErr}");
        Assert.DoesNotContain("GOMP_SPINCOUNT = '300000'", outcome.StdErr);
    }

    [Fact]
    public void Should_Keep_The_Users_Own_Wait_Policy()
    {
        var outcome = Execute("dp=1,mb=2,precision=fp32", policy: "ACTIVE");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("OMP_WAIT_POLICY = 'ACTIVE'", outcome.StdErr);
        Assert.DoesNotContain("GOMP_SPINCOUNT = '0'", outcome.StdErr);
    }
}
