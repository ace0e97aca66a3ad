namespace ScalePlanner.Tests.Fuzz;

/// <summary>
/// A fresh temporary folder per fuzz case, in which the option placeholders become real paths: a path that does not exist
/// yet, an empty string, an existing file, a path under that file. <see cref="Untouched"/> checks that a refused case left
/// the fresh paths uncreated and the folder without temporary files.
/// </summary>
public sealed class FuzzFolders : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("scaleplan-fuzz-").FullName;
    private int fresh;

    public string File => Path.Combine(root, "a-file");

    public FuzzFolders() => System.IO.File.WriteAllText(File, "not a folder");

    /// <summary>The fresh paths handed out so far.</summary>
    public List<string> FreshPaths { get; } = [];

    public string Real(string option) => option switch
    {
        ExecuteOptionFuzz.Fresh => NewPath(),
        ExecuteOptionFuzz.Empty => "",
        ExecuteOptionFuzz.File => File,
        ExecuteOptionFuzz.UnderFile => Path.Combine(File, "under"),
        _ => option,
    };

    public string NewPath()
    {
        string path = Path.Combine(root, $"out-{fresh++}");
        FreshPaths.Add(path);
        return path;
    }

    /// <summary>A file the case reads, written into the folder.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(root, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Untouched(object fuzzCase)
    {
        foreach (string path in FreshPaths) Assert.False(Path.Exists(path), $"a refused case created {path} for {fuzzCase}");
        Assert.Equal("not a folder", System.IO.File.ReadAllText(File));
        NoTemporaryFiles(fuzzCase);
    }

    public void NoTemporaryFiles(object fuzzCase) =>
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories).Select(f => $"{f} left by {fuzzCase}"));

    public void Dispose() => Directory.Delete(root, recursive: true);
}
