using System.Diagnostics;
using System.Text.Json;
using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Mpi;

/// <summary>The project's Open MPI binding, run for real under mpirun with two ranks.</summary>
public class MpiTests
{
    [Fact]
    public void Should_All_Reduce_The_Exact_Sum_Across_Two_Ranks()
    {
        Assert.True(MpiLauncher.Available, "Open MPI is missing: run tools/install-prerequisites.sh (the README's test command does) to get mpirun and libmpi.so.40");
        var start = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (Environment.UserName == "root" ? new[] { "--allow-run-as-root" } : []).Concat(["-np", "2", "dotnet", Path.Combine(AppContext.BaseDirectory, "scaleplan.dll"), "mpi-check", "--elements", "1000003"]))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "mpirun did not finish in two minutes");
        Assert.True(process.ExitCode == 0, $"mpi-check failed: {errors}");
        using var json = JsonDocument.Parse(output[output.IndexOf('{')..]);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("ranks").GetInt32());
        Assert.Equal(0, root.GetProperty("mismatches").GetInt32());
        Assert.Equal(new float[] { 3, 6, 9, 12 }, root.GetProperty("first").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        Assert.Equal(3f * 1_000_003, root.GetProperty("last").GetSingle());
    }
}
