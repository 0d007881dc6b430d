// A host that answers every choice prompt with its default, as a person pressing Enter would, and records the
// prompts it was shown. Used by Connections.Tests.ps1 (the data privacy notice must default to No).
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

public sealed class DefaultAnswerHost : PSHost
{
    private readonly DefaultAnswerUI ui = new DefaultAnswerUI();
    private readonly Guid id = Guid.NewGuid();

    public DefaultAnswerUI Answers { get { return ui; } }
    public override string Name { get { return "DefaultAnswerHost"; } }
    public override Version Version { get { return new Version(1, 0); } }
    public override Guid InstanceId { get { return id; } }
    public override PSHostUserInterface UI { get { return ui; } }
    public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
    public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() { throw new NotSupportedException(); }
    public override void ExitNestedPrompt() { throw new NotSupportedException(); }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

public sealed class DefaultAnswerUI : PSHostUserInterface
{
    public readonly List<string> Prompts = new List<string>();

    public override PSHostRawUserInterface RawUI { get { return null; } }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        var labels = new List<string>();
        foreach (ChoiceDescription choice in choices) { labels.Add(choice.Label); }
        Prompts.Add(caption + " | " + string.Join(" ", labels) + " | default " + (defaultChoice >= 0 ? choices[defaultChoice].Label : "none"));
        return defaultChoice;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException(); }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
    public override string ReadLine() { return string.Empty; }
    public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }
}
