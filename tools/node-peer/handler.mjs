// The AWS sample's `sendmessage` handler (simple-websockets-chat-app, SDK v3): its imports and
// the DynamoDB client at module scope, as a Node Lambda function loads them at init.
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

const ddb = new DynamoDBClient({ region: process.env.AWS_REGION });

export const handler = async (event) => {
  const connections = await ddb.send(
    new ScanCommand({ TableName: process.env.CHATS_TABLE, ProjectionExpression: "connectionId" }),
  );
  const api = new ApiGatewayManagementApiClient({
    endpoint: `https://${event.requestContext.domainName}/${event.requestContext.stage}`,
  });
  const data = JSON.parse(event.body).data;
  await Promise.all(
    connections.Items.map(({ connectionId }) =>
      api.send(new PostToConnectionCommand({ ConnectionId: connectionId.S, Data: data })),
    ),
  );
  return { statusCode: 200 };
};
