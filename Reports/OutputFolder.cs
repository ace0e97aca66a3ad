using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Reports;

/// <summary>
/// Writes a set of files into a folder all or nothing: each is written to a temporary name first and the set is renamed
/// into place only when every file was written, so a failure leaves no half-written report and no temporary file (and no
/// folder, when this write created it). <see cref="Validate"/> checks a folder before the work that fills it.
/// </summary>
public static class OutputFolder
{
    /// <summary>
    /// Refuses, before any work, a folder that could not be written: empty, a file, under a file, or not writable (tried with a
    /// probe file that deletes itself). Nothing is created; a missing folder is created when the files are written.
    /// </summary>
    public static void Validate(string? folder, string option = "--out")
    {
        if (folder is null) return;
        string full = FullPath(folder, option);
        if (File.Exists(full)) throw new SpecException(option, $"'{folder}' is a file; give a folder (it is created when missing)");
        string existing = full;
        while (!Directory.Exists(existing))
        {
            string parent = Path.GetDirectoryName(existing) ?? throw new SpecException(option, $"'{folder}' has no existing parent folder");
            if (File.Exists(parent)) throw new SpecException(option, $"'{parent}' is a file, so the folder '{folder}' cannot be made under it");
            existing = parent;
        }
        Probe(existing, folder, option);
    }

    /// <summary>Like <see cref="Validate"/> for one file to write: its folder must be writable and the path must not be a folder.</summary>
    public static void ValidateFile(string path, string option = "--out")
    {
        string full = FullPath(path, option);
        if (Directory.Exists(full)) throw new SpecException(option, $"'{path}' is a folder; give a file name");
        Validate(Path.GetDirectoryName(full), option);
    }

    public static IReadOnlyList<string> Write(string folder, IReadOnlyDictionary<string, Action<string>> files)
    {
        Validate(folder);
        try
        {
            return WriteAll(folder, files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException("--out", $"cannot write to '{folder}': {ex.Message}");
        }
    }

    private static string FullPath(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new SpecException(option, "is empty; give a folder to write into");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException)
        {
            throw new SpecException(option, $"'{path}' is not a usable path: {ex.Message}");
        }
    }

    private static void Probe(string directory, string folder, string option)
    {
        string probe = Path.Combine(directory, $".scaleplan-probe.{Environment.ProcessId}.tmp");
        try
        {
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(option, $"cannot write to '{folder}': {ex.Message}");
        }
    }

    private static IReadOnlyList<string> WriteAll(string folder, IReadOnlyDictionary<string, Action<string>> files)
    {
        bool created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        var staged = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, write) in files)
            {
                string final = Path.Combine(folder, name), temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.tmp");
                staged.Add((temp, final));   // before writing: a write that fails half-way leaves its temporary file to remove
                write(temp);
            }
            foreach (var (temp, final) in staged) File.Move(temp, final, overwrite: true);
        }
        catch
        {
            CleanUp(folder, created, staged.Select(s => s.Temp));
            throw;
        }
        return [.. staged.Select(s => Path.GetFullPath(s.Final))];
    }

    /// <summary>Removes what a failed write left (temporary files; the folder when this write made it and it is empty), never throwing over the first error.</summary>
    private static void CleanUp(string folder, bool created, IEnumerable<string> temps)
    {
        try
        {
            foreach (string temp in temps) File.Delete(temp);   // a file already renamed is gone: Delete does nothing
            if (created && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own error is the one to report.
        }
    }
}
