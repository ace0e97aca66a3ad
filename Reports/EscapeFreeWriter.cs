using System.Text;

namespace ScalePlanner.Reports;

/// <summary>
/// A writer that passes text through without terminal escape sequences: CSI sequences (ESC [ … final byte 0x40–0x7E, colours
/// and cursor moves), OSC sequences (ESC ] … BEL or ESC \, hyperlinks) and two-character ones (ESC =, ESC c …), per ECMA-48
/// §5.4 and §8.3. Spectre.Console writes its styles into it, so redirected output is plain text, and Spectre never falls back
/// to System.Console's colour calls, which emit escape codes of their own when a pseudo-terminal is attached (as under mpirun).
/// </summary>
public sealed class EscapeFreeWriter(TextWriter inner) : TextWriter
{
    private const char Escape = '\u001b', Bell = '\u0007';

    private enum State { Text, AfterEscape, ControlSequence, OperatingSystemCommand, OscAfterEscape }

    private State state = State.Text;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        switch (state)
        {
            case State.Text when value == Escape: state = State.AfterEscape; break;
            case State.Text: inner.Write(value); break;
            case State.AfterEscape: state = value == '[' ? State.ControlSequence : value == ']' ? State.OperatingSystemCommand : State.Text; break;
            case State.ControlSequence when value is >= '@' and <= '~': state = State.Text; break;
            case State.OperatingSystemCommand when value == Bell: state = State.Text; break;
            case State.OperatingSystemCommand when value == Escape: state = State.OscAfterEscape; break;
            case State.OscAfterEscape: state = value == '\\' ? State.Text : State.OperatingSystemCommand; break;
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "") Write(c);
    }

    public override void Flush() => inner.Flush();
}
