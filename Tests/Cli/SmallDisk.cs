using System.Diagnostics;

namespace ScalePlanner.Tests.Cli;

/// <summary>
/// A tmpfs of one 4 KiB page mounted on a fresh folder, so any write past its first page fails with ENOSPC ("No space left
/// on device"), as a full disk does; unmounted and removed on dispose. Mounting needs root (CAP_SYS_ADMIN): where it is not
/// permitted, <see cref="TryMount"/> returns null and why.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string folder) => Folder = folder;

    public string Folder { get; }

    public static SmallDisk? TryMount(out string whyNot)
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-full-").FullName;
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=4k,mode=0755", "tmpfs", folder);
        if (code == 0)
        {
            whyNot = "";
            return new SmallDisk(folder);
        }
        Directory.Delete(folder);
        whyNot = $"mount -t tmpfs exited {code}: {error.Trim()}";
        return null;
    }

    /// <summary>Files ending .tmp anywhere on the disk (a failed write must leave none).</summary>
    public string[] TemporaryFiles() => Directory.GetFiles(Folder, "*.tmp", SearchOption.AllDirectories);

    public void Dispose()
    {
        Run("umount", Folder);
        Directory.Delete(Folder, recursive: true);
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);   // no such program
        }
    }
}
