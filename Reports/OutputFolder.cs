namespace ScalePlanner.Reports;

/// <summary>
/// Writes a set of files into a folder all or nothing: each is written to a temporary name first and the set is renamed
/// into place only when every file was written, so a failure leaves no half-written report.
/// </summary>
public static class OutputFolder
{
    public static IReadOnlyList<string> Write(string folder, IReadOnlyDictionary<string, Action<string>> files)
    {
        try
        {
            return WriteAll(folder, files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Simulator.Specs.SpecException("--out", $"cannot write to '{folder}': {ex.Message}");
        }
    }

    private static IReadOnlyList<string> WriteAll(string folder, IReadOnlyDictionary<string, Action<string>> files)
    {
        Directory.CreateDirectory(folder);
        var staged = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, write) in files)
            {
                string final = Path.Combine(folder, name), temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.tmp");
                write(temp);
                staged.Add((temp, final));
            }
        }
        catch
        {
            foreach (var (temp, _) in staged) File.Delete(temp);
            throw;
        }
        foreach (var (temp, final) in staged) File.Move(temp, final, overwrite: true);
        return [.. staged.Select(s => Path.GetFullPath(s.Final))];
    }
}
