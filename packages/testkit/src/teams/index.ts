export { createBotConnectorFake } from './bot-connector-fake';
export type { BotConnectorFake, ConnectorCall, PostedActivity, TeamsMember } from './bot-connector-fake';
export { teamsCardActionActivity, teamsMessageActivity } from './teams-activities';
export type { CardActionInput, TeamsActivity, TeamsActivityContext } from './teams-activities';
