namespace ScalePlanner.Reports.Progress;

/// <summary>Where progress is shown: how far the work is (with its line for a terminal and its line for a log), and lines in between.</summary>
public interface IProgressView
{
    void Advance(double done, double total, string live, string plain);

    void Line(string text);
}

/// <summary>Redirected output (a file, a pipe, CI, every rank under mpirun): one plain line per update, no escape codes.</summary>
public sealed class PlainProgressView(TextWriter writer) : IProgressView
{
    public void Advance(double done, double total, string live, string plain) => Line(plain);

    public void Line(string text)
    {
        writer.WriteLine(text);
        writer.Flush();
    }
}
