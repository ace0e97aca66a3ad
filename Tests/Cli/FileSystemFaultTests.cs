using Xunit.Abstractions;

namespace ScalePlanner.Tests.Cli;

/// <summary>
/// File-system faults met for real (issue 19): a full disk (a one-page tmpfs) while a checkpoint or an --out folder is
/// written, and folders the user may not write to (run as the unprivileged user nobody: root writes anywhere). Each ends in
/// exit 2 with one `error:` line naming the option and the cause, nothing on stdout, and no temporary file left behind.
/// A test that cannot set up its fault here says why in its output and checks nothing.
/// </summary>
public class FileSystemFaultTests(ITestOutputHelper output)
{
    private static readonly string Tiny = Cli.TempScenario(ExecuteCommandTests.Tiny);

    private static void AssertOneErrorLine(Cli.Outcome outcome, string start, string cause)
    {
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}: {outcome.StdErr}");
        Assert.Equal("", outcome.StdOut);
        string error = Assert.Single(outcome.StdErr.Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
        Assert.StartsWith(start, error);
        Assert.Contains(cause, error);
        Assert.DoesNotContain("   at ", outcome.StdErr);
    }

    private SmallDisk? Disk()
    {
        var disk = SmallDisk.TryMount(out string whyNot);
        if (disk is null) output.WriteLine($"skipped: no small tmpfs to fill ({whyNot})");
        return disk;
    }

    [Fact]
    public void Should_Stop_In_One_Line_When_The_Disk_Fills_During_A_Checkpoint_Write()
    {
        using var disk = Disk();
        if (disk is null) return;
        string folder = Path.Combine(disk.Folder, "checkpoints");
        var outcome = Cli.Run("execute", Tiny, "--layout", "dp=1,mb=4,precision=fp32", "--steps", "3", "--checkpoint-dir", folder, "--checkpoint-every", "2");
        AssertOneErrorLine(outcome, $"error: --checkpoint-dir: '{folder}': cannot write step-00000002.ckpt", "No space left on device");
        Assert.Contains("step 2/3", outcome.StdErr);   // the folder took its probe: the disk filled at the first save, not before
        Assert.Empty(disk.TemporaryFiles());
        Assert.Empty(Directory.GetFiles(folder));
    }

    public static TheoryData<string[]> OutCommands => OutRefusalTests.Commands;

    [Theory]
    [MemberData(nameof(OutCommands))]
    public void Should_Remove_A_Half_Written_Out_Folder_When_The_Disk_Fills(string[] command)
    {
        using var disk = Disk();
        if (disk is null) return;
        string folder = Path.Combine(disk.Folder, "report");
        var outcome = Cli.Run([.. command, "--out", folder]);
        AssertOneErrorLine(outcome, $"error: --out: cannot write to '{folder}'", "No space left on device");
        Assert.Empty(disk.TemporaryFiles());
        Assert.False(Directory.Exists(folder), "the folder the run made is removed with what it held");
    }

    /// <summary>A folder nobody may write to (root's, mode 555) beside a scenario nobody may read, in a folder nobody may enter.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static (string Scenario, string ReadOnly) ReadOnlyFolder()
    {
        string root = Directory.CreateTempSubdirectory("scaleplan-ro-").FullName;   // created 700: let nobody in
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string scenario = Path.Combine(root, "tiny.json");
        File.WriteAllText(scenario, ExecuteCommandTests.Tiny);
        string readOnly = Directory.CreateDirectory(Path.Combine(root, "read-only")).FullName;
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return (scenario, readOnly);
    }

    [Fact]
    public void Should_Refuse_Folders_A_Non_Root_User_Cannot_Write_Before_Any_Work()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            output.WriteLine($"skipped: running as {Environment.UserName}, not root on Linux, so the test cannot switch to the user nobody");
            return;
        }
        var (scenario, readOnly) = ReadOnlyFolder();
        string[] execute = ["execute", scenario, "--layout", "dp=1,mb=4,precision=fp32", "--steps", "3"];
        foreach (var (args, option) in new[]
        {
            ((string[])[.. execute, "--checkpoint-dir", readOnly], "--checkpoint-dir"),
            ([.. execute, "--checkpoint-dir", Path.Combine(readOnly, "checkpoints")], "--checkpoint-dir"),
            ([.. execute, "--out", Path.Combine(readOnly, "report")], "--out"),
            (["plan", scenario, "--out", Path.Combine(readOnly, "report")], "--out"),
        })
        {
            var outcome = Cli.RunAsNobody(args);
            BadInputTests.AssertRejected(outcome, $"error: {option}: cannot write to '{readOnly}", "is denied");
            Assert.DoesNotContain("step 1/", outcome.StdErr);
        }
        Assert.Empty(Directory.GetFileSystemEntries(readOnly));
    }
}
