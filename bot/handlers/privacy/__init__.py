"""The person's own data: /mydata, /forgetme; personal things only in private chats."""
