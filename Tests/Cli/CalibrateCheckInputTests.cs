namespace ScalePlanner.Tests.Cli;

/// <summary>`calibrate --check` refuses what it cannot check in one line (exit code 2) before measuring anything.</summary>
public class CalibrateCheckInputTests
{
    [Fact]
    public void Should_Reject_A_Missing_Profile_File() =>
        BadInputTests.AssertRejected(Cli.Run("calibrate", "--check", Path.Combine(Path.GetTempPath(), $"no-profile-{Guid.NewGuid():N}.json")), "--check", "give a profile JSON that calibrate wrote");

    [Fact]
    public void Should_Reject_Side_By_Side_Ranks()
    {
        string file = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{}");
        try
        {
            BadInputTests.AssertRejected(Cli.Run("calibrate", "--check", file, "--ranks", "2"), "--ranks", "allowed with --check: 1");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
