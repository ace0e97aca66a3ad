namespace ScalePlanner.Tests.Cli;

public class CalibrateCommandTests
{
    [Fact]
    public void Should_Refuse_Cuda_On_A_Machine_Without_It_In_One_Line()
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-cal-").FullName, "profile.json");
        var outcome = Cli.Run("calibrate", "--device", "cuda", "--quick", "--out", output);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("error: --device: cuda:", outcome.StdErr.Split('\n').Last(l => l.Length > 0));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Should_Refuse_Fewer_Than_One_Side_By_Side_Rank_Before_Measuring()
    {
        string output = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-cal-").FullName, "profile.json");
        var outcome = Cli.Run("calibrate", "--quick", "--ranks", "0", "--out", output);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("error: --ranks: must be at least 1, got 0", outcome.StdErr.Trim());
        Assert.False(File.Exists(output));
    }
}
